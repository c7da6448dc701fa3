// A conversation's history in the Apollo cache: one Relay connection per
// conversation (`Conversation.messages`), ascending by seq, which every read of
// the conversation shares whatever its page arguments.
//
// - Earlier pages (`last/before`) go in front, as `relayStylePagination` does.
// - A latest page (the first read, a refetch after an event, a re-read of the
//   newest few for AI sources and analysis) that overlaps the cached history is
//   spliced onto it, so the earlier pages loaded and the live messages newer
//   than the page stay; one that does not overlap (the history moved on while
//   nobody watched) starts the list again.
// - Live messages (the feed, the send mutations' answers) are appended by
//   `appendMessage`, in seq order and once each.
import type { ApolloCache, FieldFunctionOptions, FieldPolicy, Reference } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { MessageFieldsFragmentDoc, type MessageFieldsFragment } from '@switchboard/schema/client';

interface Edge {
  __typename?: string;
  cursor?: string;
  node: Reference;
}
interface PageInfo {
  hasPreviousPage: boolean;
  hasNextPage: boolean;
  startCursor: string;
  endCursor: string;
}
interface Connection {
  edges: Edge[];
  pageInfo: PageInfo;
}

const relay = relayStylePagination<Reference>();

/** The field policy of `Conversation.messages` (see the top of this file). */
export const messagesPagination: FieldPolicy<Connection | null, Partial<Connection> | null, Partial<Connection> | null> = {
  keyArgs: false,
  read: relay.read as FieldPolicy<Connection | null>['read'],
  merge(existing, incoming, options) {
    const spliced = existing && incoming ? spliceLatest(existing, incoming, options) : null;
    if (spliced) return spliced;
    const merge = relay.merge as (e: typeof existing, i: typeof incoming, o: FieldFunctionOptions) => Connection;
    return merge(existing, incoming, options);
  },
};

function spliceLatest(existing: Connection, incoming: Partial<Connection>, { args, readField }: FieldFunctionOptions): Connection | null {
  const page = incoming.edges;
  if (args?.before || args?.after || !page?.length || !existing.edges.length || !incoming.pageInfo) return null;
  const seq = (edge: Edge) => readField<number>('seq', edge.node) ?? 0;
  const from = seq(page[0]!);
  const to = seq(page.at(-1)!);
  const overlaps = existing.edges.some((e) => e.node.__ref === page[0]!.node.__ref) || (from <= seq(existing.edges[0]!) && to >= seq(existing.edges[0]!));
  if (!overlaps) return null;
  const earlier = existing.edges.filter((e) => seq(e) < from);
  const newer = existing.edges.filter((e) => seq(e) > to);
  const start = earlier.length ? existing.pageInfo : incoming.pageInfo;
  return {
    ...existing,
    edges: [...earlier, ...page, ...newer],
    pageInfo: { ...incoming.pageInfo, hasPreviousPage: start.hasPreviousPage, startCursor: start.startCursor },
  };
}

/**
 * Adds a stored message (from the live feed or a send mutation) to its
 * conversation's cached history: in seq order, and not again when it is there.
 * Without cached history there is nothing to add to: the first read brings it.
 */
export function appendMessage(cache: ApolloCache, message: MessageFieldsFragment): void {
  // The feed's payloads carry no __typename; the cache needs them to normalise.
  const node = cache.writeFragment({
    fragment: MessageFieldsFragmentDoc,
    fragmentName: 'MessageFields',
    data: {
      ...message,
      __typename: 'Message',
      author: message.author && { ...message.author, __typename: 'User' },
      attachments: message.attachments.map((a) => ({ ...a, __typename: 'Attachment' })),
    } as MessageFieldsFragment,
  });
  const id = cache.identify({ __typename: 'Conversation', id: message.conversationId });
  if (!node || !id) return;
  cache.modify<{ messages: Connection }>({
    id,
    fields: {
      messages(existing, { readField }) {
        const connection = existing as Connection | undefined;
        if (!connection?.edges || connection.edges.some((e) => e.node.__ref === node.__ref)) return existing;
        const edges = [...connection.edges];
        let at = edges.length;
        while (at > 0 && (readField<number>('seq', edges[at - 1]!.node) ?? 0) > message.seq) at--;
        // Cursors only page back from the first edge, which a newer message never is.
        edges.splice(at, 0, { __typename: 'MessageEdge', cursor: '', node });
        return { ...connection, edges } as typeof existing;
      },
    },
  });
}

/**
 * Message fields the feed and the send mutations do not carry (AI sources,
 * customer message analysis…): read as empty until the next history read
 * brings them, so a live message does not leave the history incomplete.
 */
export const messageFieldDefaults: Record<string, FieldPolicy> = Object.fromEntries([
  ...['replyToSeq', 'confidence', 'latencyMs', 'modelConfigId', 'analysis', 'moderation'].map((f) => [f, { read: (v: unknown = null) => v }]),
  ['citations', { read: (v: unknown = []) => v }],
]);
