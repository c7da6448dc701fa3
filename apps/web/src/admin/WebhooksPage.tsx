import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import {
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  RedeliverWebhookDocument,
  ReplayWebhooksDocument,
  RotateWebhookSecretDocument,
  SendTestWebhookDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
  type WebhookDeliveryStatus,
  type WebhookEventType,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';
import { Page } from './Page';

export const EVENT_TYPES: { value: WebhookEventType; label: string }[] = [
  { value: 'CONVERSATION_CREATED', label: 'conversation.created' },
  { value: 'CONVERSATION_ASSIGNED', label: 'conversation.assigned' },
  { value: 'CONVERSATION_HANDED_OFF', label: 'conversation.handed_off' },
  { value: 'CONVERSATION_RESOLVED', label: 'conversation.resolved' },
  { value: 'MESSAGE_CREATED', label: 'message.created' },
  { value: 'TICKET_CREATED', label: 'ticket.created' },
  { value: 'TICKET_UPDATED', label: 'ticket.updated' },
  { value: 'CSAT_SUBMITTED', label: 'csat.submitted' },
  { value: 'FAQ_PUBLISHED', label: 'faq.published' },
];
const typeLabel = (t: string) => (t === 'WEBHOOK_TEST' ? 'webhook.test' : (EVENT_TYPES.find((e) => e.value === t)?.label ?? t));
const STATUS_COLOR: Record<WebhookDeliveryStatus, string> = { PENDING: 'yellow', DELIVERED: 'green', FAILED: 'red' };
const DISABLED_LABEL: Record<string, string> = { MANUAL: 'disabled', GONE: 'disabled: 410 Gone', FAILING: 'disabled: failing' };
const PAGE = 25;

/** A secret shown once, with a copy button. */
function SecretOnce({ title, secret, onClose }: { title: string; secret: string; onClose: () => void }) {
  return (
    <Alert color="green" title={title} withCloseButton closeButtonLabel="Dismiss" onClose={onClose}>
      <Text size="sm">Copy the signing secret now; it is not shown again. Verify deliveries with any Standard Webhooks library.</Text>
      <Code block mt={6} data-testid="webhook-secret" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {secret}
      </Code>
      <CopyButton value={secret}>
        {({ copied, copy }) => (
          <Button size="xs" variant="light" mt={6} onClick={copy}>
            {copied ? 'Copied' : 'Copy secret'}
          </Button>
        )}
      </CopyButton>
    </Alert>
  );
}

export default function WebhooksPage() {
  const { data, loading, error, refetch } = useQuery(WebhookEndpointsDocument, { fetchPolicy: 'cache-and-network' });
  const [selected, setSelected] = useState<string | null>(null);
  const [rotated, setRotated] = useState<{ url: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; url: string } | null>(null);
  const [update, updateState] = useMutation(UpdateWebhookEndpointDocument);
  const [rotate, rotateState] = useMutation(RotateWebhookSecretDocument);
  const [remove, removeState] = useMutation(DeleteWebhookEndpointDocument, { refetchQueries: [WebhookEndpointsDocument] });
  const [test, testState] = useMutation(SendTestWebhookDocument, { refetchQueries: [WebhookDeliveriesDocument] });
  const endpoints = data?.webhookEndpoints ?? [];
  const current = endpoints.find((e) => e.id === selected) ?? null;
  const actionError = updateState.error ?? rotateState.error ?? removeState.error ?? testState.error;
  return (
    <Page
      title="Webhooks"
      description="Send events to your systems as signed HTTPS requests (Standard Webhooks), retried for over a day. Duplicates are possible (deduplicate by webhook-id) and ordering is not promised."
    >
      <CreateEndpoint />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          Endpoints
        </Title>
        {error && <ErrorNotice error={error} title="Could not load webhook endpoints" onRetry={() => void refetch()} />}
        {actionError && <ErrorNotice error={actionError} title="That did not work" />}
        {rotated && <SecretOnce title={`New secret for ${rotated.url}`} secret={rotated.secret} onClose={() => setRotated(null)} />}
        {loading && !data && <Loading label="Loading endpoints…" />}
        {data && endpoints.length === 0 && <Empty title="No webhook endpoints yet" />}
        {endpoints.length > 0 && (
          <Table.ScrollContainer minWidth={820}>
            <Table aria-label="Webhook endpoints">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Events</Table.Th>
                  <Table.Th>Secret</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last success</Table.Th>
                  <Table.Th>
                    <span className="sb-visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {endpoints.map((e) => (
                  <Table.Tr key={e.id} data-testid="webhook-endpoint">
                    <Table.Td>
                      <Text size="sm" style={{ wordBreak: 'break-all' }}>
                        {e.url}
                      </Text>
                      {e.description && (
                        <Text size="xs" c="dimmed">
                          {e.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {e.eventTypes.map((t) => (
                          <Badge key={t} size="xs" variant="light" tt="none">
                            {typeLabel(t)}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Code>{e.secretPrefix}…</Code>
                      {e.previousSecretExpiresAt && new Date(e.previousSecretExpiresAt) > new Date() && (
                        <Text size="xs" c="dimmed">
                          previous secret signs until {dateTime(e.previousSecretExpiresAt)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {e.enabled ? <Badge color="green">enabled</Badge> : <Badge color="gray">{DISABLED_LABEL[e.disabledReason ?? 'MANUAL']}</Badge>}
                      {e.failingSince && (
                        <Text size="xs" c="red">
                          failing since {dateTime(e.failingSince)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{dateTime(e.lastSuccessAt)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-xs"
                          variant={selected === e.id ? 'filled' : 'light'}
                          onClick={() => setSelected(e.id)}
                          aria-label={`Deliveries of ${e.url}`}
                        >
                          Deliveries
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="light"
                          disabled={!e.enabled}
                          loading={testState.loading}
                          onClick={() =>
                            void test({ variables: { id: e.id } })
                              .then(() => setSelected(e.id))
                              .catch(() => undefined)
                          }
                          aria-label={`Test ${e.url}`}
                        >
                          Test
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="light"
                          onClick={() =>
                            void rotate({ variables: { id: e.id, overlapMinutes: 1440 } })
                              .then((r) => r.data && setRotated({ url: e.url, secret: r.data.rotateWebhookSecret.secret }))
                              .catch(() => undefined)
                          }
                          aria-label={`Rotate secret of ${e.url}`}
                        >
                          Rotate secret
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="light"
                          onClick={() => void update({ variables: { input: { id: e.id, enabled: !e.enabled } } }).catch(() => undefined)}
                          aria-label={`${e.enabled ? 'Disable' : 'Enable'} ${e.url}`}
                        >
                          {e.enabled ? 'Disable' : 'Enable'}
                        </Button>
                        <Button
                          size="compact-xs"
                          color="red"
                          variant="light"
                          onClick={() => setDeleting({ id: e.id, url: e.url })}
                          aria-label={`Delete ${e.url}`}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {current && <Deliveries endpointId={current.id} url={current.url} enabled={current.enabled} />}
      <Modal opened={deleting != null} onClose={() => setDeleting(null)} title="Delete this endpoint?">
        <Text size="sm">{deleting?.url} receives nothing more, and its delivery log is deleted with it.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDeleting(null)}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={removeState.loading}
            onClick={() =>
              void remove({ variables: { id: deleting!.id } })
                .then(() => {
                  if (selected === deleting!.id) setSelected(null);
                  setDeleting(null);
                })
                .catch(() => setDeleting(null))
            }
          >
            Delete endpoint
          </Button>
        </Group>
      </Modal>
    </Page>
  );
}

function CreateEndpoint() {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>(EVENT_TYPES.map((e) => e.value));
  const [create, { data, loading, error, reset }] = useMutation(CreateWebhookEndpointDocument, { refetchQueries: [WebhookEndpointsDocument] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await create({ variables: { input: { url: url.trim(), description: description.trim() || null, eventTypes: types as WebhookEventType[] } } });
      setUrl('');
      setDescription('');
    } catch {
      // Shown below.
    }
  }
  const created = data?.createWebhookEndpoint;
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="new-webhook-title">
      <Title order={2} size="h4" id="new-webhook-title">
        New endpoint
      </Title>
      <Stack gap="sm" mt="xs">
        <TextInput
          label="URL"
          placeholder="https://example.com/webhooks/switchboard"
          required
          maxLength={2048}
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          maw={560}
        />
        <TextInput label="Description" maxLength={500} value={description} onChange={(e) => setDescription(e.currentTarget.value)} maw={560} />
        <Checkbox.Group label="Events" value={types} onChange={setTypes}>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing={4} mt={4}>
            {EVENT_TYPES.map((t) => (
              <Checkbox key={t.value} value={t.value} label={t.label} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        {error && <ErrorNotice error={error} title="Could not create the endpoint" compact />}
        <Group>
          <Button type="submit" loading={loading} disabled={!url.trim() || types.length === 0}>
            Create endpoint
          </Button>
        </Group>
        {created && <SecretOnce title={`Endpoint ${created.endpoint.url} created`} secret={created.secret} onClose={reset} />}
      </Stack>
    </Paper>
  );
}

/** `datetime-local` value (local time) → ISO instant; null when empty or invalid. */
export function localToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function Deliveries({ endpointId, url, enabled }: { endpointId: string; url: string; enabled: boolean }) {
  const [status, setStatus] = useState('');
  const [eventType, setEventType] = useState('');
  const filter = { ...(status ? { status: status as WebhookDeliveryStatus } : {}), ...(eventType ? { eventType: eventType as WebhookEventType } : {}) };
  const variables = { endpointId, first: PAGE, ...(Object.keys(filter).length ? { filter } : {}) };
  const { data, loading, error, refetch, fetchMore } = useQuery(WebhookDeliveriesDocument, {
    variables,
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const [redeliver, redeliverState] = useMutation(RedeliverWebhookDocument);
  const connection = data?.webhookDeliveries;
  const rows = connection?.edges.map((e) => e.node) ?? [];
  return (
    <Paper withBorder p="md" aria-labelledby="deliveries-title">
      <Group justify="space-between" align="flex-end">
        <Title order={2} size="h4" id="deliveries-title">
          Deliveries to {url}
        </Title>
        <Button size="xs" variant="default" onClick={() => void refetch()}>
          Refresh
        </Button>
      </Group>
      <Group mt="xs" align="flex-end">
        <NativeSelect
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value)}
          data={[
            { value: '', label: 'Any' },
            { value: 'PENDING', label: 'Pending' },
            { value: 'DELIVERED', label: 'Delivered' },
            { value: 'FAILED', label: 'Failed' },
          ]}
        />
        <NativeSelect
          label="Event"
          value={eventType}
          onChange={(e) => setEventType(e.currentTarget.value)}
          data={[{ value: '', label: 'Any' }, ...EVENT_TYPES, { value: 'WEBHOOK_TEST', label: 'webhook.test' }]}
        />
      </Group>
      {error && <ErrorNotice error={error} title="Could not load deliveries" onRetry={() => void refetch()} />}
      {redeliverState.error && <ErrorNotice error={redeliverState.error} title="Could not redeliver" />}
      {loading && !data && <Loading label="Loading deliveries…" />}
      {data && rows.length === 0 && <Empty title="No deliveries match" />}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={860} mt="sm">
          <Table aria-label="Webhook deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Created</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last response</Table.Th>
                <Table.Th>webhook-id</Table.Th>
                <Table.Th>
                  <span className="sb-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((d) => (
                <Table.Tr key={d.id} data-testid="webhook-delivery">
                  <Table.Td>{dateTime(d.createdAt)}</Table.Td>
                  <Table.Td>
                    {typeLabel(d.eventType)}
                    {d.trigger !== 'EVENT' && (
                      <Badge size="xs" ml={4} variant="outline">
                        {d.trigger.toLowerCase()}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[d.status]}>{d.status.toLowerCase()}</Badge>
                    {d.status === 'PENDING' && d.nextAttemptAt && (
                      <Text size="xs" c="dimmed">
                        retry {dateTime(d.nextAttemptAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>
                    {d.lastStatusCode ?? '—'}
                    {d.lastLatencyMs != null && ` · ${d.lastLatencyMs} ms`}
                    {d.lastError && (
                      <Text size="xs" c="red">
                        {d.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Code>{d.eventId.slice(0, 8)}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="light"
                      disabled={!enabled}
                      loading={redeliverState.loading}
                      onClick={() =>
                        void redeliver({ variables: { deliveryId: d.id } })
                          .then(() => refetch())
                          .catch(() => undefined)
                      }
                      aria-label={`Redeliver ${typeLabel(d.eventType)} ${d.eventId.slice(0, 8)}`}
                    >
                      Redeliver
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {connection?.pageInfo.hasNextPage && (
        <Button mt="sm" variant="default" size="xs" loading={loading} onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}>
          Load older deliveries
        </Button>
      )}
      <Replay endpointId={endpointId} enabled={enabled} onDone={() => void refetch()} />
    </Paper>
  );
}

function Replay({ endpointId, enabled, onDone }: { endpointId: string; enabled: boolean; onDone: () => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [replay, { data, loading, error }] = useMutation(ReplayWebhooksDocument);
  const fromIso = localToIso(from);
  const toIso = localToIso(to);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!fromIso || !toIso) return;
    try {
      await replay({ variables: { endpointId, from: fromIso, to: toIso } });
      onDone();
    } catch {
      // Shown below.
    }
  }
  return (
    <Stack gap="xs" mt="md" component="form" onSubmit={submit} aria-labelledby="replay-title">
      <Title order={3} size="h5" id="replay-title">
        Replay a window
      </Title>
      <Text size="sm" c="dimmed">
        Sends again every event of the window this endpoint subscribes to, with their original webhook-ids.
      </Text>
      <Group align="flex-end">
        <TextInput type="datetime-local" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput type="datetime-local" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        <Button type="submit" loading={loading} disabled={!enabled || !fromIso || !toIso}>
          Replay
        </Button>
      </Group>
      {error && <ErrorNotice error={error} title="Could not replay" compact />}
      {data && (
        <Text size="sm" role="status">
          {data.replayWebhooks.count === 1 ? '1 event scheduled for delivery again.' : `${data.replayWebhooks.count} events scheduled for delivery again.`}
        </Text>
      )}
    </Stack>
  );
}
