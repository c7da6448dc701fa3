import { describe, expect, it } from 'vitest';
import { useRef } from 'react';
import { screen, waitFor } from '@testing-library/react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import type { Client } from 'graphql-ws';
import { AgentConversationDocument } from '@switchboard/schema/client';
import { renderWithProviders } from '../test/render';
import { historyPage, liveMessage } from '../test/messages';
import { fakeFeed, type FeedEvent } from '../test/feed';
import { useLiveChat } from './useLiveChat';
import { useMessageHistory } from './useMessageHistory';

/** The widget's view of a conversation, reduced to what the live state says and the history's seqs. */
function Live({ feed }: { feed: Client }) {
  const apollo = useApolloClient();
  const scrollRef = useRef<HTMLOListElement>(null);
  const query = useQuery(AgentConversationDocument, { variables: { id: 'c1', last: 3 }, fetchPolicy: 'network-only' });
  const history = useMessageHistory({ connection: query.data?.conversation.messages, fetchMore: query.fetchMore, scrollRef });
  const { state, messages } = useLiveChat({
    client: feed,
    cache: apollo.cache,
    conversationId: 'c1',
    messages: history.messages,
    start: query.data != null,
    self: { type: 'CUSTOMER' },
    read: query.data?.conversation,
  });
  return (
    <>
      <p data-testid="mode">{state.live.mode ?? ''}</p>
      <ol ref={scrollRef} aria-label="Messages">
        {messages.map((m) => (
          <li key={m.seq} data-seq={m.seq}>
            {m.body}
          </li>
        ))}
      </ol>
    </>
  );
}

describe('live conversation state', () => {
  it('keeps what the feed reported when a later feed message changes the cached history (the read state is older)', async () => {
    const page = historyPage(7, 9, false);
    page.conversation.mode = 'AI';
    const feed = fakeFeed();
    renderWithProviders(<Live feed={feed.client} />, {
      mocks: [{ request: { query: AgentConversationDocument, variables: { id: 'c1', last: 3 } }, result: { data: page } }],
    });
    const seqs = () => screen.queryAllByRole('listitem').map((li) => Number(li.getAttribute('data-seq')));
    await waitFor(() => expect(seqs()).toEqual([7, 8, 9]));
    expect(screen.getByTestId('mode').textContent).toBe('AI');
    await waitFor(() => expect(feed.subscriptions).toHaveLength(1));

    // The handoff's ConversationUpdated arrives before its note (the feed does not order the two).
    feed.deliverEvent({
      __typename: 'ConversationUpdated',
      change: 'handed_off',
      conversation: { id: 'c1', status: 'OPEN', mode: 'HUMAN', handoffReason: 'customer_request', lastSeq: 10, assignee: null, assigneeName: null },
    } as FeedEvent);
    await waitFor(() => expect(screen.getByTestId('mode').textContent).toBe('HUMAN'));
    feed.deliverEvent({
      __typename: 'MessageAdded',
      message: liveMessage(10, { authorType: 'SYSTEM', body: 'An agent will be with you shortly.' }),
    } as FeedEvent);
    await waitFor(() => expect(seqs()).toEqual([7, 8, 9, 10]));
    expect(screen.getByTestId('mode').textContent).toBe('HUMAN');
  });
});
