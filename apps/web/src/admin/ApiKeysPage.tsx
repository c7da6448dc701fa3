import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument, type ApiScope } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';
import { Page } from './Page';

const SCOPES: { value: ApiScope; label: string }[] = [
  { value: 'ANALYTICS_READ', label: 'analytics:read — analytics and exports' },
  { value: 'CONVERSATIONS_READ', label: 'conversations:read — conversations, messages, contacts' },
  { value: 'KNOWLEDGE_READ', label: 'knowledge:read — FAQs and knowledge search' },
  { value: 'KNOWLEDGE_WRITE', label: 'knowledge:write — edit and publish FAQs' },
  { value: 'TICKETS_READ', label: 'tickets:read — tickets' },
  { value: 'WEBHOOKS_WRITE', label: 'webhooks:write — webhook endpoints, deliveries, replay' },
];

export default function ApiKeysPage() {
  const { data, loading, error, refetch } = useQuery(ApiKeysDocument, { fetchPolicy: 'cache-and-network' });
  const [revoke, revokeState] = useMutation(RevokeApiKeyDocument, { refetchQueries: [ApiKeysDocument] });
  const [confirming, setConfirming] = useState<{ id: string; name: string } | null>(null);
  const keys = data?.apiKeys ?? [];
  return (
    <Page title="API keys" description="Keys for partners and scripts (e.g. reading analytics). The secret is shown once, when the key is created.">
      <CreateKey />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          Keys
        </Title>
        {error && <ErrorNotice error={error} title="Could not load API keys" onRetry={() => void refetch()} />}
        {revokeState.error && <ErrorNotice error={revokeState.error} title="Could not revoke the key" />}
        {loading && !data && <Loading label="Loading keys…" />}
        {data && keys.length === 0 && <Empty title="No API keys yet" />}
        {keys.length > 0 && (
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label="API keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Prefix</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <span className="sb-visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td>{k.name}</Table.Td>
                    <Table.Td>
                      <Code>{k.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {k.scopes.map((s) => (
                          <Badge key={s} size="xs" variant="light" tt="none">
                            {s.toLowerCase().replace('_', ':')}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>{dateTime(k.lastUsedAt)}</Table.Td>
                    <Table.Td>{k.revokedAt ? <Badge color="gray">revoked</Badge> : <Badge color="green">active</Badge>}</Table.Td>
                    <Table.Td>
                      {!k.revokedAt && (
                        <Button
                          size="compact-xs"
                          color="red"
                          variant="light"
                          onClick={() => setConfirming({ id: k.id, name: k.name })}
                          aria-label={`Revoke ${k.name}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Modal opened={confirming != null} onClose={() => setConfirming(null)} title={`Revoke “${confirming?.name ?? ''}”?`}>
        <Text size="sm">Anything using this key is refused from now on. This cannot be undone; create a new key to restore access.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirming(null)}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={revokeState.loading}
            onClick={() =>
              void revoke({ variables: { id: confirming!.id } })
                .then(() => setConfirming(null))
                .catch(() => setConfirming(null))
            }
          >
            Revoke key
          </Button>
        </Group>
      </Modal>
    </Page>
  );
}

function CreateKey() {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['ANALYTICS_READ']);
  const [create, { data, loading, error, reset }] = useMutation(CreateApiKeyDocument, { refetchQueries: [ApiKeysDocument] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await create({ variables: { input: { name: name.trim(), scopes: scopes as ApiScope[] } } });
      setName('');
    } catch {
      // Shown below.
    }
  }
  const created = data?.createApiKey;
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="new-key-title">
      <Title order={2} size="h4" id="new-key-title">
        New key
      </Title>
      <Stack gap="sm" mt="xs">
        <TextInput label="Name" required maxLength={120} value={name} onChange={(e) => setName(e.currentTarget.value)} maw={360} />
        <Checkbox.Group label="Scopes" value={scopes} onChange={setScopes}>
          <Stack gap={4} mt={4}>
            {SCOPES.map((s) => (
              <Checkbox key={s.value} value={s.value} label={s.label} />
            ))}
          </Stack>
        </Checkbox.Group>
        {error && <ErrorNotice error={error} title="Could not create the key" compact />}
        <Group>
          <Button type="submit" loading={loading} disabled={!name.trim() || scopes.length === 0}>
            Create key
          </Button>
        </Group>
        {created && (
          <Alert color="green" title={`Key “${created.apiKey.name}” created`} withCloseButton closeButtonLabel="Dismiss" onClose={reset}>
            <Text size="sm">Copy the secret now; it is not shown again. Send it as Authorization: Bearer … or x-api-key.</Text>
            <Code block mt={6} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {created.secret}
            </Code>
            <CopyButton value={created.secret}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" mt={6} onClick={copy}>
                  {copied ? 'Copied' : 'Copy secret'}
                </Button>
              )}
            </CopyButton>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
