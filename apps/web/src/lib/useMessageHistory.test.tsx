import { describe, expect, it, vi } from 'vitest';
import { useLayoutEffect, useRef } from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import type { Client } from 'graphql-ws';
import { AgentConversationDocument, type MessageFieldsFragment } from '@switchboard/schema/client';
import { renderWithProviders } from '../test/render';
import { historyPage, liveMessage } from '../test/messages';
import { fakeFeed } from '../test/feed';
import { appendMessage } from './messageCache';
import { useLiveChat } from './useLiveChat';
import { useMessageHistory } from './useMessageHistory';

/** The console's conversation log, reduced to its history: the cached pages, the feed, and what a send answers with. */
function Thread({ feed, onSent }: { feed: Client; onSent(send: (m: MessageFieldsFragment) => void): void }) {
  const apollo = useApolloClient();
  const scrollRef = useRef<HTMLOListElement>(null);
  const query = useQuery(AgentConversationDocument, { variables: { id: 'c1', last: 3 }, fetchPolicy: 'network-only' });
  const history = useMessageHistory({ connection: query.data?.conversation.messages, fetchMore: query.fetchMore, scrollRef });
  const { messages } = useLiveChat({
    client: feed,
    cache: apollo.cache,
    conversationId: 'c1',
    messages: history.messages,
    start: query.data != null,
    self: { type: 'AGENT', id: 'u1' },
  });
  onSent((m) => appendMessage(apollo.cache, m));
  const { keepAnchor } = history;
  useLayoutEffect(() => {
    keepAnchor();
  }, [keepAnchor, messages]);
  return (
    <>
      {history.hasEarlier && (
        <button type="button" onClick={history.loadEarlier}>
          Show earlier messages
        </button>
      )}
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

const latest = { request: { query: AgentConversationDocument, variables: { id: 'c1', last: 3 } }, result: { data: historyPage(7, 9, true) } };
const earlier = { request: { query: AgentConversationDocument, variables: { id: 'c1', last: 3, before: 's7' } }, result: { data: historyPage(4, 6, false) } };

function setup() {
  const feed = fakeFeed();
  let send: (m: MessageFieldsFragment) => void = () => undefined;
  renderWithProviders(<Thread feed={feed.client} onSent={(s) => (send = s)} />, { mocks: [latest, earlier] });
  const seqs = () => screen.queryAllByRole('listitem').map((li) => Number(li.getAttribute('data-seq')));
  return { ...feed, seqs, sent: (m: MessageFieldsFragment) => act(() => send(m)) };
}

describe('conversation history', () => {
  it('loads earlier messages in front of the latest page, and then offers no more', async () => {
    const { seqs, subscriptions } = setup();
    await waitFor(() => expect(seqs()).toEqual([7, 8, 9]));
    // The feed resumes right after the newest message read.
    await waitFor(() => expect(subscriptions.map((s) => s.variables.afterSeq)).toEqual([9]));
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    await waitFor(() => expect(seqs()).toEqual([4, 5, 6, 7, 8, 9]));
    expect(screen.queryByRole('button', { name: 'Show earlier messages' })).not.toBeInTheDocument();
  });

  it('keeps the message that was first where the reader saw it while earlier ones go in above', async () => {
    // jsdom has no layout: rows 20 px high, placed by their index and the log's scrollTop.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const log = this.closest('ol');
      const top = log && this !== log ? [...log.children].indexOf(this) * 20 - log.scrollTop : 0;
      return { top } as DOMRect;
    });
    const { seqs } = setup();
    await waitFor(() => expect(seqs()).toEqual([7, 8, 9]));
    const log = screen.getByRole('list', { name: 'Messages' });
    const row = (seq: number) => log.querySelector(`[data-seq="${seq}"]`)!;
    log.scrollTop = 0;
    expect(row(7).getBoundingClientRect().top).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    await waitFor(() => expect(seqs()).toEqual([4, 5, 6, 7, 8, 9]));
    expect(log.scrollTop).toBe(60);
    expect(row(7).getBoundingClientRect().top).toBe(0);
  });

  it('appends live messages once each, the sent message and its echo on the feed alike, and keeps them below earlier pages', async () => {
    const { seqs, subscriptions, deliver, sent } = setup();
    await waitFor(() => expect(subscriptions).toHaveLength(1));
    sent(liveMessage(10, { authorType: 'AGENT', body: 'On its way', clientMessageId: 'k10' }));
    deliver(liveMessage(10, { authorType: 'AGENT', body: 'On its way', clientMessageId: 'k10' }));
    deliver(liveMessage(11, { body: 'Thanks!' }));
    await waitFor(() => expect(seqs()).toEqual([7, 8, 9, 10, 11]));
    expect(screen.getAllByText('On its way')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    await waitFor(() => expect(seqs()).toEqual([4, 5, 6, 7, 8, 9, 10, 11]));
  });
});
