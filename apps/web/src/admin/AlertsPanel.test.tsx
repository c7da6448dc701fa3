import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { AcknowledgeAlertDocument, AlertRaisedDocument, AlertsDocument, ResolveAlertDocument } from '@switchboard/schema/client';
import { renderWithProviders, withTypenames } from '../test/render';
import { AlertsPanel } from './AlertsPanel';

const alert = (id: string, over: Record<string, unknown> = {}) => ({
  __typename: 'Alert',
  id,
  rule: 'sla_breach',
  severity: 'WARNING',
  status: 'FIRING',
  summary: '2 open tickets are past due',
  value: 2,
  threshold: 1,
  installationWide: false,
  raisedAt: '2026-12-04T10:00:00Z',
  lastSeenAt: '2026-12-04T10:05:00Z',
  acknowledgedAt: null,
  acknowledgeNote: null,
  resolvedAt: null,
  ...over,
});
const list = (nodes: ReturnType<typeof alert>[]) => ({
  data: withTypenames('Query', {
    alerts: { edges: nodes.map((node) => ({ node })), pageInfo: { hasNextPage: false, endCursor: null } },
  }),
});

describe('AlertsPanel', () => {
  it('lists alerts, acknowledges one with a note and resolves another', async () => {
    const backlog = alert('a2', {
      rule: 'queue_backlog',
      severity: 'CRITICAL',
      summary: 'Job backlog: ai 1500 waiting for 5 min or more',
      installationWide: true,
    });
    renderWithProviders(<AlertsPanel />, {
      mocks: [
        { request: { query: AlertsDocument, variables: { first: 20 } }, result: list([alert('a1'), backlog]) },
        { request: { query: AlertRaisedDocument }, result: { data: { alertRaised: backlog } }, delay: 60_000 },
        {
          request: { query: AcknowledgeAlertDocument, variables: { id: 'a1', note: 'Calling them back' } },
          result: {
            data: { acknowledgeAlert: alert('a1', { status: 'ACKNOWLEDGED', acknowledgedAt: '2026-12-04T10:06:00Z', acknowledgeNote: 'Calling them back' }) },
          },
        },
        {
          request: { query: ResolveAlertDocument, variables: { id: 'a2' } },
          result: { data: { resolveAlert: { ...backlog, status: 'RESOLVED', resolvedAt: '2026-12-04T10:07:00Z' } } },
        },
      ],
    });
    const rows = await screen.findAllByTestId('alert');
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId('open-alerts')).toHaveTextContent('2 open');
    expect(within(rows[1]!).getByText(/whole installation/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge: 2 open tickets are past due' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Note' }), { target: { value: 'Calling them back' } });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText(/note: Calling them back/)).toBeInTheDocument();
    expect(within(screen.getAllByTestId('alert')[0]!).getByText('acknowledged')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Acknowledge: 2 open tickets are past due' })).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Resolve: Job backlog: ai 1500 waiting for 5 min or more' }));
    expect(await within(screen.getAllByTestId('alert')[1]!).findByText('resolved')).toBeInTheDocument();
    expect(screen.getByTestId('open-alerts')).toHaveTextContent('1 open');
  });
});
