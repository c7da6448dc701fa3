import { useState, type FormEvent } from 'react';
import { ApolloProvider, useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { LogInDocument, SignUpOpenDocument } from '@switchboard/schema/client';
import { createApi } from '../lib/api';
import { useDisposable } from '../lib/hooks';
import { ErrorNotice } from '../components/ErrorNotice';
import { sessionStore } from './StaffGate';
import { FirstRunForm } from './FirstRunForm';

export function LoginPage({ area }: { area: string }) {
  const api = useDisposable(() => createApi({ getToken: () => null }), []);
  if (!api) return null;
  return (
    <ApolloProvider client={api.apollo}>
      <SignInOrFirstRun area={area} />
    </ApolloProvider>
  );
}

/** The first-run form while the instance has no workspace, the sign-in form otherwise. */
function SignInOrFirstRun({ area }: { area: string }) {
  const { data } = useQuery(SignUpOpenDocument, { fetchPolicy: 'network-only' });
  if (data?.signUpOpen) return <FirstRunForm />;
  return <LoginForm area={area} />;
}

export function LoginForm({ area }: { area: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [logIn, { loading, error }] = useMutation(LogInDocument);
  const reason = sessionStore.endReason;

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const { data } = await logIn({ variables: { input: { email: email.trim(), password } } });
      if (data) sessionStore.signIn(data.logIn);
    } catch {
      // Shown below by code.
    }
  }

  return (
    <Stack component="main" maw={420} mx="auto" px="md" py={48}>
      <div>
        <Title order={1} size="h2">
          Switchboard
        </Title>
        <Text c="dimmed">Sign in to the {area}</Text>
      </div>
      <Paper withBorder p="lg" component="form" onSubmit={submit} aria-label="Sign in">
        <Stack gap="sm">
          {reason === 'expired' && !error && (
            <Alert color="yellow" title="Your session expired" role="status">
              Sign in again to continue.
            </Alert>
          )}
          <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          {error && (
            <ErrorNotice error={error} title="Could not sign you in" messages={{ UNAUTHENTICATED: 'Wrong email or password, or the account is not active' }} />
          )}
          <Button type="submit" loading={loading}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
