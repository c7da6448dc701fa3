import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Code, CopyButton, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import {
  ChangeRoleDocument,
  CreatePasswordResetLinkDocument,
  DeactivateUserDocument,
  InviteAgentDocument,
  MeDocument,
  ReactivateUserDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  TeamPresenceDocument,
  TeamRosterDocument,
  type UserRole,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';
import { Page } from './Page';

export default function TeamPage() {
  return (
    <Page title="Team" description="Invite agents and admins. Each invitation has a one-time token that is shown only once, here.">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Invite />
        <Stack>
          <Online />
          <WidgetKey />
        </Stack>
      </SimpleGrid>
      <Roster />
    </Page>
  );
}

/** Everyone in the workspace: roles, deactivation, pending invitations and password reset links. */
function Roster() {
  const { data, loading, error, refetch, fetchMore } = useQuery(TeamRosterDocument, { variables: { first: 50 }, fetchPolicy: 'cache-and-network' });
  const me = useQuery(MeDocument).data?.me.id;
  const refetchQueries = [TeamRosterDocument];
  const [changeRole, roleState] = useMutation(ChangeRoleDocument, { refetchQueries });
  const [deactivate, deactivateState] = useMutation(DeactivateUserDocument, { refetchQueries });
  const [reactivate, reactivateState] = useMutation(ReactivateUserDocument, { refetchQueries });
  const [revoke, revokeState] = useMutation(RevokeInvitationDocument, { refetchQueries });
  const [resend, resendState] = useMutation(ResendInvitationDocument);
  const [resetLink, resetState] = useMutation(CreatePasswordResetLinkDocument);
  const failed = roleState.error ?? deactivateState.error ?? reactivateState.error ?? revokeState.error ?? resendState.error ?? resetState.error;
  const origin = window.location.origin;
  const issued = resendState.data
    ? {
        title: `New invitation for ${resendState.data.resendInvitation.user.name}`,
        url: `${origin}/agent/accept-invite?token=${encodeURIComponent(resendState.data.resendInvitation.inviteToken)}`,
        onClose: resendState.reset,
      }
    : resetState.data
      ? {
          title: `Password reset link for ${resetState.data.createPasswordResetLink.user.name}`,
          url: `${origin}/agent/reset-password?token=${encodeURIComponent(resetState.data.createPasswordResetLink.resetToken)}`,
          onClose: resetState.reset,
        }
      : null;
  const run = (fn: () => Promise<unknown>) => () => void fn().catch(() => undefined);
  const members = data?.teamRoster.edges.map((e) => e.node) ?? [];

  return (
    <Paper withBorder p="md" mt="md" aria-labelledby="roster-title">
      <Title order={2} size="h4" id="roster-title">
        Members
      </Title>
      {error && <ErrorNotice error={error} title="Could not load the team" onRetry={() => void refetch()} compact />}
      {failed && (
        <ErrorNotice
          error={failed}
          title="Could not update the team"
          compact
          messages={{ CONFLICT: 'The last active admin cannot be demoted or deactivated: make someone else an admin first' }}
        />
      )}
      {issued && (
        <Alert color="green" title={issued.title} data-testid="issued-link" withCloseButton closeButtonLabel="Dismiss" onClose={issued.onClose} mt="xs">
          <Text size="sm">Hand over this one-time link now: it is not shown again.</Text>
          <Code block style={WRAP} data-testid="issued-url">
            {issued.url}
          </Code>
        </Alert>
      )}
      {loading && !data && <Loading inline />}
      <Table.ScrollContainer minWidth={640}>
        <Table mt="xs" verticalSpacing="xs" aria-labelledby="roster-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((u) => (
              <Table.Tr key={u.id} data-testid={`member-${u.email}`}>
                <Table.Td>
                  <Text size="sm">{u.name}</Text>
                  <Text size="xs" c="dimmed">
                    {u.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Role of ${u.name}`}
                    size="xs"
                    w={110}
                    data={[
                      { value: 'AGENT', label: 'Agent' },
                      { value: 'ADMIN', label: 'Admin' },
                    ]}
                    value={u.role}
                    allowDeselect={false}
                    disabled={u.status !== 'ACTIVE'}
                    onChange={(v) => v && v !== u.role && run(() => changeRole({ variables: { userId: u.id, role: v as UserRole } }))()}
                  />
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={u.status === 'ACTIVE' ? 'green' : u.status === 'INVITED' ? 'blue' : 'gray'}>
                    {u.status === 'DISABLED' ? 'deactivated' : u.status.toLowerCase()}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{u.lastSeenAt ? dateTime(u.lastSeenAt) : '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {u.status === 'ACTIVE' && u.id !== me && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        color="red"
                        onClick={run(() => deactivate({ variables: { userId: u.id } }))}
                        aria-label={`Deactivate ${u.name}`}
                      >
                        Deactivate
                      </Button>
                    )}
                    {u.status === 'ACTIVE' && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        onClick={run(() => resetLink({ variables: { userId: u.id } }))}
                        aria-label={`Password reset link for ${u.name}`}
                      >
                        Reset link
                      </Button>
                    )}
                    {u.status === 'DISABLED' && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={run(() => reactivate({ variables: { userId: u.id } }))}
                        aria-label={`Reactivate ${u.name}`}
                      >
                        Reactivate
                      </Button>
                    )}
                    {u.status === 'INVITED' && (
                      <>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          onClick={run(() => resend({ variables: { userId: u.id } }))}
                          aria-label={`Resend invitation to ${u.name}`}
                        >
                          Resend
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="light"
                          color="red"
                          onClick={run(() => revoke({ variables: { userId: u.id } }))}
                          aria-label={`Revoke invitation of ${u.name}`}
                        >
                          Revoke
                        </Button>
                      </>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {data?.teamRoster.pageInfo.hasNextPage && (
        <Button variant="subtle" size="xs" mt="xs" onClick={() => void fetchMore({ variables: { after: data.teamRoster.pageInfo.endCursor } })}>
          Show more
        </Button>
      )}
    </Paper>
  );
}

function Invite() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<UserRole>('AGENT');
  const [invite, { data, loading, error, reset }] = useMutation(InviteAgentDocument, { refetchQueries: [TeamRosterDocument] });
  const invitation = data?.inviteAgent;
  const link = invitation ? `${window.location.origin}/agent/accept-invite?token=${encodeURIComponent(invitation.inviteToken)}` : '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await invite({ variables: { input: { name: name.trim(), email: email.trim(), role } } });
      setName('');
      setEmail('');
    } catch {
      // Shown below by code.
    }
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="invite-title">
      <Title order={2} size="h4" id="invite-title">
        Invite a colleague
      </Title>
      <Stack gap="sm" mt="xs">
        <TextInput label="Name" required maxLength={120} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label="Email" type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <Select
          label="Role"
          data={[
            { value: 'AGENT', label: 'Agent' },
            { value: 'ADMIN', label: 'Admin' },
          ]}
          value={role}
          onChange={(v) => v && setRole(v as UserRole)}
          allowDeselect={false}
        />
        {error && <ErrorNotice error={error} title="Could not invite" compact />}
        <Group>
          <Button type="submit" loading={loading} disabled={!name.trim() || !email.trim()}>
            Send invitation
          </Button>
        </Group>
        {invitation && (
          <Alert color="green" title={`${invitation.user.name} is invited`} data-testid="invitation" withCloseButton closeButtonLabel="Dismiss" onClose={reset}>
            <Stack gap={6}>
              <Text size="sm">Copy this one-time token now: it is not shown again. It expires {dateTime(invitation.expiresAt)}.</Text>
              <Code block data-testid="invite-token" style={WRAP}>
                {invitation.inviteToken}
              </Code>
              <Group gap="xs">
                <CopyButton value={invitation.inviteToken}>
                  {({ copied, copy }) => (
                    <Button size="xs" variant="light" onClick={copy}>
                      {copied ? 'Token copied' : 'Copy token'}
                    </Button>
                  )}
                </CopyButton>
                <CopyButton value={link}>
                  {({ copied, copy }) => (
                    <Button size="xs" variant="subtle" onClick={copy}>
                      {copied ? 'Link copied' : 'Copy sign-up link'}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function Online() {
  const { data, loading, error, refetch } = useQuery(TeamPresenceDocument, { fetchPolicy: 'network-only', pollInterval: 15_000 });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4">
        Online now
      </Title>
      {error && <ErrorNotice error={error} title="Could not load presence" onRetry={() => void refetch()} compact />}
      {loading && !data && <Loading inline />}
      {data && data.teamPresence.length === 0 && <Empty title="Nobody online" />}
      <Stack gap={4} mt="xs" component="ul" p={0} style={{ listStyle: 'none' }}>
        {data?.teamPresence.map((p) => (
          <Group component="li" key={p.user.id} gap="xs">
            <Text size="sm">{p.user.name}</Text>
            <Text size="xs" c="dimmed">
              {p.user.email}
            </Text>
            <Badge size="xs" variant="light">
              {p.user.role.toLowerCase()}
            </Badge>
            <Badge size="xs" color={p.status === 'ONLINE' ? 'green' : 'yellow'}>
              {p.status.toLowerCase()}
            </Badge>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function WidgetKey() {
  const { data } = useQuery(MeDocument);
  const key = data?.me.workspace.widgetKey;
  if (!key) return null;
  const origin = window.location.origin;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4">
        Chat widget
      </Title>
      <Text size="sm" mt={4}>
        Widget key: <Code data-testid="widget-key">{key}</Code>
      </Text>
      <Text size="sm" mt="xs">
        Embed on your site:
      </Text>
      <Code block style={WRAP}>{`<script src="${origin}/embed.js" data-widget-key="${key}" async></script>`}</Code>
      <Text size="sm" mt="xs">
        Or open it directly: <a href={`/chat?widgetKey=${encodeURIComponent(key)}`}>/chat?widgetKey=…</a>
      </Text>
    </Paper>
  );
}

/** Long tokens and snippets wrap instead of scrolling sideways. */
const WRAP = { whiteSpace: 'pre-wrap', wordBreak: 'break-all' } as const;
