// Signed-in staff area shared by the agent console and the admin: the session,
// one API connection for it (HTTP + socket), the current user and the layout.
import './staff.css';
import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { ApolloProvider, useQuery } from '@apollo/client/react';
import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { LogOutDocument, MeDocument, type MeQuery, type UserRole } from '@switchboard/schema/client';
import { createApi, type Api } from '../lib/api';
import { useDisposable } from '../lib/hooks';
import { SessionStore, type StaffSession } from '../lib/session';
import { describeError } from '../lib/errors';
import { ErrorNotice } from '../components/ErrorNotice';
import { Loading } from '../components/States';
import { LoginPage } from './LoginPage';

export const sessionStore = new SessionStore();

export function useSession(): StaffSession | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

export interface Staff {
  api: Api;
  me: MeQuery['me'];
  signOut(): Promise<void>;
}

const StaffContext = createContext<Staff | null>(null);

export function useStaff(): Staff {
  const ctx = useContext(StaffContext);
  if (!ctx) throw new Error('useStaff outside StaffGate');
  return ctx;
}

export interface StaffGateProps {
  /** Who may enter; others see a FORBIDDEN message. */
  roles?: UserRole[];
  area: string;
  children: ReactNode;
}

export function StaffGate({ roles, area, children }: StaffGateProps) {
  const session = useSession();
  const userId = session?.user.id ?? null;
  // One connection per signed-in user; tokens are read (and refreshed) per request and per socket connect.
  const api = useDisposable(() => createApi({ getToken: sessionStore.accessToken, onUnauthenticated: sessionStore.refresh }), [userId]);
  if (!session) return <LoginPage area={area} />;
  if (!api) return <Loading label="Connecting…" />;
  return (
    <ApolloProvider client={api.apollo}>
      <CurrentUser api={api} roles={roles}>
        {children}
      </CurrentUser>
    </ApolloProvider>
  );
}

function CurrentUser({ api, roles, children }: { api: Api; roles?: UserRole[]; children: ReactNode }) {
  const { data, loading, error, refetch } = useQuery(MeDocument, { fetchPolicy: 'cache-and-network' });
  const code = error ? describeError(error).code : null;

  useEffect(() => {
    if (code === 'UNAUTHENTICATED') sessionStore.end('expired');
  }, [code]);

  const signOut = async () => {
    const refreshToken = sessionStore.get()?.refreshToken;
    sessionStore.end('signed_out');
    if (refreshToken) {
      // Best effort: the tokens are gone from this browser either way.
      await api.apollo.mutate({ mutation: LogOutDocument, variables: { refreshToken } }).catch(() => undefined);
    }
    await api.apollo.clearStore().catch(() => undefined);
  };

  if (!data) {
    if (loading) return <Loading label="Checking your session…" />;
    return (
      <Stack component="main" maw={480} mx="auto" p="lg">
        <ErrorNotice error={error} title="Could not load your account" onRetry={() => void refetch()} />
      </Stack>
    );
  }
  if (roles && !roles.includes(data.me.role)) {
    return (
      <Stack component="main" maw={480} mx="auto" p="lg">
        <Title order={1} size="h3">
          Admins only
        </Title>
        <ErrorNotice error={{ errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] }} />
        <Text>
          You are signed in as {data.me.name} ({data.me.role.toLowerCase()}).
        </Text>
        <Button component={Link} to="/agent" variant="light">
          Go to the agent console
        </Button>
      </Stack>
    );
  }
  return <StaffContext.Provider value={{ api, me: data.me, signOut }}>{children}</StaffContext.Provider>;
}
