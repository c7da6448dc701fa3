import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SuggestReplyDocument, type ConversationDetailFragment } from '@switchboard/schema/client';
import { renderWithProviders, withTypenames } from '../test/render';
import { AssistPanel } from './AssistPanel';

const conversation: ConversationDetailFragment = {
  id: 'c1',
  status: 'OPEN',
  mode: 'HUMAN',
  priority: 'NORMAL',
  lastMessageAt: '2026-01-01T00:00:00Z',
  contact: { id: 'k1', name: 'Ana', email: 'ana@example.com' },
  assignee: null,
  lastMessage: null,
  labels: [],
  team: null,
  channel: 'WEB_WIDGET',
  language: 'en',
  lastSeq: 3,
  handoffReason: 'customer_request',
  csatScore: null,
  csatComment: null,
  firstResponseAt: null,
  resolvedAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('AssistPanel', () => {
  it('drafts a reply with its confidence and sources, and puts it in the reply box on request', async () => {
    const user = userEvent.setup();
    const onUse = vi.fn();
    renderWithProviders(<AssistPanel conversation={conversation} onUse={onUse} onCreateTicket={vi.fn()} />, {
      mocks: [
        {
          request: { query: SuggestReplyDocument, variables: { conversationId: 'c1' } },
          result: {
            data: withTypenames('Mutation', {
              suggestReply: {
                body: 'Refunds take 5 to 10 business days.',
                confidence: 0.82,
                modelConfigId: 'm1',
                citations: [{ score: 0.9, faq: { id: 'f1', question: 'How do I get a refund?' } }],
              },
            }),
          },
        },
      ],
    });
    await user.click(screen.getByRole('button', { name: 'Suggest a reply' }));
    const suggestion = await screen.findByTestId('suggestion');
    expect(suggestion).toHaveTextContent('Confidence 82%');
    expect(suggestion).toHaveTextContent('Sources: How do I get a refund?');
    await user.click(screen.getByRole('button', { name: 'Use this reply' }));
    expect(onUse).toHaveBeenCalledWith('Refunds take 5 to 10 business days.');
  });

  it('has keyboard-reachable tabs for suggestions, knowledge and details', async () => {
    const user = userEvent.setup();
    renderWithProviders(<AssistPanel conversation={conversation} onUse={vi.fn()} onCreateTicket={vi.fn()} />);
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(['AI suggestion', 'Knowledge', 'Details']);
    tabs[0]!.focus();
    await user.keyboard('{ArrowRight}{ArrowRight}');
    await user.keyboard('{Enter}');
    expect(await screen.findByText('ana@example.com')).toBeInTheDocument();
  });
});
