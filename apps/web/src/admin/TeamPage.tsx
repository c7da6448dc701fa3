import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { Alert, Badge, Button, Code, CopyButton, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { InviteAgentDocument, MeDocument, TeamPresenceDocument, type UserRole } from '@switchboard/schema/client';
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
    </Page>
  );
}

function Invite() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<UserRole>('AGENT');
  const [invite, { data, loading, error, reset }] = useMutation(InviteAgentDocument);
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
              <Text size="sm">
                Copy this one-time token now: it is not shown again. It expires {dateTime(invitation.expiresAt)}.
              </Text>
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
