import { describe, expect, it } from 'vitest';
import { AgentConversationDocument } from '@switchboard/schema/client';
import { historyPage as page, liveMessage as live } from '../test/messages';
import { createCache } from './api';
import { appendMessage } from './messageCache';

function setup() {
  const cache = createCache();
  const write = (data: ReturnType<typeof page>, variables: { last?: number; before?: string } = {}) =>
    cache.writeQuery({ query: AgentConversationDocument, variables: { id: 'c1', ...variables }, data: data as never });
  const read = () => {
    const data = cache.readQuery({ query: AgentConversationDocument, variables: { id: 'c1', last: 3 } });
    if (!data) throw new Error('The history is not complete in the cache');
    return data.conversation.messages;
  };
  const seqs = () => read().edges.map((e) => e.node.seq);
  return { cache, write, read, seqs };
}

describe('Conversation.messages in the cache', () => {
  it('puts an earlier page in front of the history and takes its start', () => {
    const { write, read, seqs } = setup();
    write(page(7, 9, true), { last: 3 });
    write(page(4, 6, true), { last: 3, before: 's7' });
    expect(seqs()).toEqual([4, 5, 6, 7, 8, 9]);
    expect(read().pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: 's4' });
    write(page(1, 3, false), { last: 3, before: 's4' });
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(read().pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: 's1' });
  });

  it('appends live messages in seq order and never keeps a seq twice', () => {
    const { cache, write, seqs } = setup();
    write(page(7, 9, true), { last: 3 });
    appendMessage(cache, live(11));
    appendMessage(cache, live(10));
    appendMessage(cache, live(11));
    appendMessage(cache, live(9));
    expect(seqs()).toEqual([7, 8, 9, 10, 11]);
  });

  it('reads a live message with the fields the feed lacks as empty, and fills them in from a later page', () => {
    const { cache, write, read } = setup();
    write(page(7, 9, true), { last: 3 });
    appendMessage(cache, live(10, { authorType: 'AI' }));
    expect(read().edges.at(-1)!.node).toMatchObject({ seq: 10, authorType: 'AI', citations: [], confidence: null });
    write(
      page(8, 10, true, (seq) => (seq === 10 ? { confidence: 0.8, citations: [{ score: 0.9, faq: { id: 'f1', question: 'Refunds?' } }] } : {})),
      { last: 3 },
    );
    expect(read().edges.at(-1)!.node).toMatchObject({ seq: 10, confidence: 0.8, citations: [{ score: 0.9, faq: { id: 'f1', question: 'Refunds?' } }] });
  });

  it('splices a re-read latest page onto the history it overlaps, keeping earlier pages and newer live messages', () => {
    const { cache, write, read, seqs } = setup();
    write(page(7, 9, true), { last: 3 });
    write(page(4, 6, true), { last: 3, before: 's7' });
    appendMessage(cache, live(10));
    appendMessage(cache, live(11));
    // The newest few read again while seq 11 arrived: the page ends at 10.
    write(
      page(8, 10, true, (seq) => ({ body: `edited ${seq}` })),
      { last: 3 },
    );
    expect(seqs()).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(read().edges.map((e) => e.node.body)).toEqual([
      'message 4',
      'message 5',
      'message 6',
      'message 7',
      'edited 8',
      'edited 9',
      'edited 10',
      'message 11',
    ]);
    expect(read().pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: 's4' });
  });

  it('starts the list again from a latest page that does not overlap it', () => {
    const { write, read, seqs } = setup();
    write(page(4, 6, true), { last: 3 });
    write(page(20, 22, true), { last: 3 });
    expect(seqs()).toEqual([20, 21, 22]);
    expect(read().pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: 's20' });
  });

  it('adds nothing to a conversation whose history is not cached', () => {
    const { cache } = setup();
    appendMessage(cache, live(1));
    expect(cache.readQuery({ query: AgentConversationDocument, variables: { id: 'c1' } })).toBeNull();
  });
});
