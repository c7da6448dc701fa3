import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { AuditLogDocument } from '@switchboard/schema/client';
import { gqlError, renderWithProviders, withTypenames } from '../test/render';
import AuditPage from './AuditPage';

const entry = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  action: 'faq.publish',
  actorType: 'USER',
  actorId: 'u1',
  actorName: 'Ada Admin',
  targetType: 'Faq',
  targetId: `faq-${id}-0000`,
  ip: '10.0.0.7',
  requestId: null,
  metadata: null,
  createdAt: '2026-11-20T10:00:00Z',
  ...over,
});
const page = (nodes: ReturnType<typeof entry>[], hasNextPage: boolean, endCursor: string | null) => ({
  data: withTypenames('Query', {
    auditLog: {
      edges: nodes.map((node) => ({ cursor: `c-${node.id}`, node })),
      pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: null, endCursor },
    },
  }),
});

describe('AuditPage', () => {
  it('names who acted, loads older entries and filters by area', async () => {
    renderWithProviders(<AuditPage />, {
      mocks: [
        {
          request: { query: AuditLogDocument, variables: { first: 50 } },
          result: page(
            [
              entry('a1'),
              entry('a2', {
                actorType: 'API_KEY',
                actorId: 'k1',
                actorName: 'Partner BI',
                action: 'conversations.export',
                targetType: null,
                targetId: null,
                metadata: { format: 'CSV' },
              }),
            ],
            true,
            'c-a2',
          ),
        },
        {
          request: { query: AuditLogDocument, variables: { first: 50, after: 'c-a2' } },
          result: page(
            [entry('a3', { actorType: 'SYSTEM', actorId: null, actorName: null, action: 'retention.purge', targetType: null, targetId: null })],
            false,
            'c-a3',
          ),
        },
        {
          request: { query: AuditLogDocument, variables: { first: 50, filter: { action: 'api_key.' } } },
          result: page([], false, null),
        },
      ],
    });
    const rows = await screen.findAllByTestId('audit-entry');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('Ada Admin')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Partner BI')).toBeInTheDocument();
    expect(within(rows[1]!).getByText(/"format": "CSV"/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    expect(await screen.findByText('retention.purge')).toBeInTheDocument();
    expect(screen.getAllByTestId('audit-entry')).toHaveLength(3);
    expect(within(screen.getAllByTestId('audit-entry')[2]!).getByText('System')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load older entries' })).not.toBeInTheDocument();

    fireEvent.change(screen.getByRole('combobox', { name: 'Area' }), { target: { value: 'api_key.' } });
    expect(await screen.findByText('Nothing matches these filters')).toBeInTheDocument();
  });

  it('shows a refusal in words', async () => {
    renderWithProviders(<AuditPage />, {
      mocks: [{ request: { query: AuditLogDocument, variables: { first: 50 } }, result: { errors: [gqlError('FORBIDDEN')] as never } }],
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the audit log');
    expect(alert).toHaveTextContent('Your role does not allow this action.');
  });
});
