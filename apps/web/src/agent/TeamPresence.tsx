// Colleagues' presence: `teamPresence` once, then `presenceChanged` live.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Badge, Group, Stack, Text } from '@mantine/core';
import { PresenceChangedDocument, TeamPresenceDocument, type TeamPresenceQuery } from '@switchboard/schema/client';
import { useConnection } from '../components/ConnectionStatus';
import { ErrorNotice } from '../components/ErrorNotice';
import { useStaff } from '../staff/StaffGate';

export type PresenceEntry = TeamPresenceQuery['teamPresence'][number];

interface TeamPresenceState {
  colleagues: PresenceEntry[];
  loading: boolean;
  error: unknown;
}

const Ctx = createContext<TeamPresenceState>({ colleagues: [], loading: false, error: null });

export function useTeamPresence(): TeamPresenceState {
  return useContext(Ctx);
}

export function TeamPresenceProvider({ children }: { children: ReactNode }) {
  const { api } = useStaff();
  const { data, loading, error, refetch } = useQuery(TeamPresenceDocument, { fetchPolicy: 'network-only' });
  const [byUser, setByUser] = useState<Map<string, PresenceEntry>>(new Map());

  useEffect(() => {
    if (data) setByUser(new Map(data.teamPresence.map((p) => [p.user.id, p])));
  }, [data]);

  useSubscription(PresenceChangedDocument, {
    onData: ({ data: d }) => {
      const p = d.data?.presenceChanged;
      if (!p) return;
      setByUser((m) => {
        const next = new Map(m);
        if (p.status === 'OFFLINE') next.delete(p.user.id);
        else next.set(p.user.id, p);
        return next;
      });
    },
  });

  // Presence changes while the socket was down are not replayed: read the list again.
  const { reconnects } = useConnection(api.connection);
  useEffect(() => {
    if (reconnects > 0) void refetch();
  }, [reconnects, refetch]);

  const colleagues = [...byUser.values()].sort((a, b) => a.user.name.localeCompare(b.user.name));
  return <Ctx.Provider value={{ colleagues, loading, error }}>{children}</Ctx.Provider>;
}

export function TeamPresence() {
  const { me } = useStaff();
  const { colleagues, loading, error } = useTeamPresence();
  return (
    <Stack gap={4} p="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }} aria-labelledby="team-presence-title">
      <Text id="team-presence-title" size="xs" fw={700} tt="uppercase" c="dimmed">
        Team online
      </Text>
      {error != null && <ErrorNotice error={error} title="Could not load who is online" compact />}
      {!error && loading && colleagues.length === 0 && (
        <Text size="sm" c="dimmed" role="status">
          Loading…
        </Text>
      )}
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="team-presence">
        {colleagues.map((p) => (
          <li key={p.user.id}>
            <Group gap={6} wrap="nowrap">
              <Badge size="xs" circle color={p.status === 'ONLINE' ? 'green' : 'yellow'} aria-hidden>
                {' '}
              </Badge>
              <Text size="sm" truncate>
                {p.user.name}
                {p.user.id === me.id ? ' (you)' : ''}
              </Text>
              <Text size="xs" c="dimmed">
                {p.status === 'ONLINE' ? 'online' : 'away'}
              </Text>
            </Group>
          </li>
        ))}
      </ul>
      {!loading && !error && colleagues.every((p) => p.user.id === me.id) && (
        <Text size="sm" c="dimmed">
          Nobody else is online.
        </Text>
      )}
    </Stack>
  );
}
