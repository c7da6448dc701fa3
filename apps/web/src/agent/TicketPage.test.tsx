import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { AddTicketCommentDocument, InboxEventsDocument, TeamMembersDocument, TicketPageDocument } from '@switchboard/schema/client';
import { renderWithProviders, withTypenames } from '../test/render';
import { TicketPage } from './TicketPage';
import { slaText } from './SlaBadge';
import { formatDay, parseDay } from '../admin/SlaPage';

const sam = { id: 'u1', name: 'Sam' };
const ticket = (comments: { id: string; body: string; isPublic: boolean }[]) => ({
  id: 't1',
  subject: 'Parcel never arrived',
  status: 'OPEN',
  priority: 'HIGH',
  dueAt: '2026-12-29T08:30:00.000Z',
  createdAt: '2026-12-23T15:30:00.000Z',
  updatedAt: '2026-12-23T15:30:00.000Z',
  description: 'Order 1042',
  resolvedAt: null,
  assignee: sam,
  requester: { id: 'c1', name: 'Hana', email: 'hana@example.com' },
  conversation: { id: 'conv1', status: 'OPEN', mode: 'HUMAN' },
  sla: {
    state: 'BREACHED',
    nextDueAt: '2026-12-28T08:30:00.000Z',
    secondsLeft: -1200,
    firstResponseDueAt: '2026-12-28T08:30:00.000Z',
    firstRespondedAt: null,
    firstResponseBreached: true,
    resolutionDueAt: '2026-12-29T08:30:00.000Z',
    resolutionBreached: false,
  },
  comments: {
    edges: comments.map((c) => ({ node: { ...c, createdAt: '2026-12-23T16:00:00.000Z', author: sam } })),
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  },
  history: {
    edges: [
      { node: { id: 'h1', kind: 'CREATED', fromValue: null, toValue: 'OPEN', createdAt: '2026-12-23T15:30:00.000Z', actor: sam } },
      {
        node: {
          id: 'h2',
          kind: 'FIRST_RESPONSE_BREACHED',
          fromValue: null,
          toValue: '2026-12-28T08:30:00.000Z',
          createdAt: '2026-12-28T08:31:00.000Z',
          actor: null,
        },
      },
    ],
  },
});

const pageMock = (comments: { id: string; body: string; isPublic: boolean }[]) => ({
  request: { query: TicketPageDocument, variables: { id: 't1' } },
  result: { data: withTypenames('Query', { ticket: ticket(comments) }) },
});

describe('TicketPage', () => {
  it('shows the SLA state, the thread (internal comments marked) and the history, and adds a public reply', async () => {
    const internal = { id: 'k1', body: 'Courier says it was left at the door', isPublic: false };
    const reply = { id: 'k2', body: 'A new parcel leaves today.', isPublic: true };
    renderWithProviders(
      <Routes>
        <Route path="/agent/tickets/:ticketId" element={<TicketPage />} />
      </Routes>,
      {
        route: '/agent/tickets/t1',
        mocks: [
          pageMock([internal]),
          {
            request: { query: TeamMembersDocument },
            result: { data: withTypenames('Query', { teamMembers: [{ ...sam, email: 'sam@example.com', role: 'AGENT', status: 'ACTIVE' }] }) },
          },
          {
            request: { query: AddTicketCommentDocument, variables: { input: { ticketId: 't1', body: reply.body, isPublic: true } } },
            result: { data: withTypenames('Mutation', { addTicketComment: { ...reply, createdAt: '2026-12-23T16:05:00.000Z', author: sam } }) },
          },
          pageMock([internal, reply]),
          // The page listens for updates to this ticket; here the feed stays quiet.
          { request: { query: InboxEventsDocument }, delay: Infinity },
        ],
      },
    );
    expect(await screen.findByRole('heading', { name: 'Parcel never arrived' })).toBeInTheDocument();
    expect(screen.getByTestId('sla-badge')).toHaveTextContent('overdue 20 min');
    expect(screen.getByTestId('sla-badge')).toHaveAttribute('data-state', 'BREACHED');
    const [first] = screen.getAllByTestId('ticket-comment');
    expect(first).toHaveAttribute('data-public', 'false');
    expect(within(first!).getByText('Internal')).toBeInTheDocument();
    expect(screen.getAllByTestId('ticket-history').map((h) => h.textContent)).toEqual([
      expect.stringContaining('Sam created the ticket'),
      expect.stringContaining('First response target missed'),
    ]);

    fireEvent.click(screen.getByRole('radio', { name: 'Public reply' }));
    expect(screen.getByText('Sent to the customer’s conversation as your message.')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Reply to the requester'), { target: { value: reply.body } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(screen.getAllByTestId('ticket-comment')).toHaveLength(2));
    expect(screen.getAllByTestId('ticket-comment')[1]).toHaveAttribute('data-public', 'true');
  });

  it('words the SLA state and reads business hours back and forth', () => {
    expect(slaText({ state: 'ON_TRACK', secondsLeft: 5400 })).toBe('1.5 h left');
    expect(slaText({ state: 'BREACHED', secondsLeft: null })).toBe('SLA breached');
    expect(slaText({ state: 'MET', secondsLeft: null })).toBe('SLA met');
    expect(slaText({ state: 'NONE', secondsLeft: null })).toBe('No SLA');
    expect(parseDay(1, '9:00–12:00, 13:00-17:00')).toEqual([
      { weekday: 1, opens: '09:00', closes: '12:00' },
      { weekday: 1, opens: '13:00', closes: '17:00' },
    ]);
    expect(parseDay(6, '')).toEqual([]);
    expect(parseDay(2, 'nine to five')).toBe('Tuesday: write times as 09:00–17:00, separated by commas');
    expect(
      formatDay(
        [
          { weekday: 1, opens: '09:00', closes: '12:00' },
          { weekday: 2, opens: '10:00', closes: '11:00' },
          { weekday: 1, opens: '13:00', closes: '17:00' },
        ],
        1,
      ),
    ).toBe('09:00–12:00, 13:00–17:00');
  });
});
