import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { CreateWebhookEndpointDocument, ReplayWebhooksDocument, WebhookDeliveriesDocument, WebhookEndpointsDocument } from '@switchboard/schema/client';
import { renderWithProviders, withTypenames } from '../test/render';
import WebhooksPage, { EVENT_TYPES, localToIso } from './WebhooksPage';

const endpoint = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  url: `https://partner.example/${id}`,
  description: null,
  eventTypes: ['TICKET_CREATED'],
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  secretPrefix: 'whsec_abcdef',
  previousSecretExpiresAt: null,
  failingSince: null,
  lastSuccessAt: null,
  createdAt: '2026-12-01T10:00:00Z',
  ...over,
});
const delivery = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  endpointId: 'e1',
  eventId: `evt-${id}-0000-0000`,
  eventType: 'TICKET_CREATED',
  trigger: 'EVENT',
  status: 'DELIVERED',
  attempts: 1,
  lastStatusCode: 200,
  lastLatencyMs: 12,
  lastError: null,
  lastAttemptAt: '2026-12-01T10:00:01Z',
  nextAttemptAt: null,
  deliveredAt: '2026-12-01T10:00:01Z',
  createdAt: '2026-12-01T10:00:00Z',
  event: { id: `evt-${id}-0000-0000`, type: 'TICKET_CREATED', version: 1, data: {}, occurredAt: '2026-12-01T10:00:00Z' },
  ...over,
});
const list = (endpoints: ReturnType<typeof endpoint>[]) => ({ data: withTypenames('Query', { webhookEndpoints: endpoints }) });
const deliveries = (nodes: ReturnType<typeof delivery>[]) => ({
  data: withTypenames('Query', {
    webhookDeliveries: { edges: nodes.map((node) => ({ cursor: `c-${node.id}`, node })), pageInfo: { hasNextPage: false, endCursor: null } },
  }),
});

describe('WebhooksPage', () => {
  it('creates an endpoint and shows its secret once', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    renderWithProviders(<WebhooksPage />, {
      mocks: [
        { request: { query: WebhookEndpointsDocument }, result: list([]) },
        {
          request: {
            query: CreateWebhookEndpointDocument,
            variables: { input: { url: 'https://partner.example/hook', description: 'CRM', eventTypes: EVENT_TYPES.map((e) => e.value) } },
          },
          result: {
            data: withTypenames('Mutation', {
              createWebhookEndpoint: { secret, endpoint: endpoint('e9', { url: 'https://partner.example/hook', description: 'CRM' }) },
            }),
          },
        },
        { request: { query: WebhookEndpointsDocument }, result: list([endpoint('e9', { url: 'https://partner.example/hook', description: 'CRM' })]) },
      ],
    });
    expect(await screen.findByText('No webhook endpoints yet')).toBeInTheDocument();
    fireEvent.change(screen.getByRole('textbox', { name: 'URL' }), { target: { value: 'https://partner.example/hook' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Description' }), { target: { value: 'CRM' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create endpoint' }));
    expect(await screen.findByTestId('webhook-secret')).toHaveTextContent(secret);
    expect(await screen.findByTestId('webhook-endpoint')).toHaveTextContent('https://partner.example/hook');
    // The list shows the prefix only.
    expect(within(screen.getByTestId('webhook-endpoint')).queryByText(secret)).not.toBeInTheDocument();
  });

  it('shows the delivery log with filters and replays a window', async () => {
    renderWithProviders(<WebhooksPage />, {
      mocks: [
        { request: { query: WebhookEndpointsDocument }, result: list([endpoint('e1'), endpoint('e2', { enabled: false, disabledReason: 'GONE' })]) },
        {
          request: { query: WebhookDeliveriesDocument, variables: { endpointId: 'e1', first: 25 } },
          result: deliveries([
            delivery('d1'),
            delivery('d2', { status: 'PENDING', attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: '2026-12-01T10:05:00Z' }),
          ]),
        },
        {
          request: { query: WebhookDeliveriesDocument, variables: { endpointId: 'e1', first: 25, filter: { status: 'PENDING' } } },
          result: deliveries([
            delivery('d2', { status: 'PENDING', attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: '2026-12-01T10:05:00Z' }),
          ]),
        },
        {
          request: { query: ReplayWebhooksDocument, variables: { endpointId: 'e1', from: localToIso('2026-12-01T09:00'), to: localToIso('2026-12-01T11:00') } },
          result: {
            data: withTypenames('Mutation', { replayWebhooks: { endpointId: 'e1', from: '2026-12-01T09:00:00Z', to: '2026-12-01T11:00:00Z', count: 2 } }),
          },
        },
        {
          request: { query: WebhookDeliveriesDocument, variables: { endpointId: 'e1', first: 25, filter: { status: 'PENDING' } } },
          result: deliveries([]),
        },
      ],
    });
    const rows = await screen.findAllByTestId('webhook-endpoint');
    expect(within(rows[1]!).getByText('disabled: 410 Gone')).toBeInTheDocument();
    expect(within(rows[1]!).getByRole('button', { name: /^Test / })).toBeDisabled();
    fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Deliveries of https://partner.example/e1' }));
    expect(await screen.findAllByTestId('webhook-delivery')).toHaveLength(2);
    expect(screen.getByText('HTTP 503')).toBeInTheDocument();

    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'PENDING' } });
    await waitFor(() => expect(screen.getAllByTestId('webhook-delivery')).toHaveLength(1));
    expect(screen.getByTestId('webhook-delivery')).toHaveTextContent('HTTP 503');

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-01T09:00' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-12-01T11:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Replay' }));
    expect(await screen.findByRole('status')).toHaveTextContent('2 events scheduled for delivery again.');
  });
});
