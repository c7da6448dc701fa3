// The agent inbox: conversations from the first pages of `conversations` plus
// every `inboxEvents` update, filtered and counted on the client so the counts
// move live with the list.
import type { ConversationSummaryFragment } from '@switchboard/schema/client';

export type InboxFilter = 'open' | 'mine' | 'unassigned' | 'ai' | 'handed_off' | 'resolved';

export const INBOX_FILTERS: { value: InboxFilter; label: string }[] = [
  { value: 'open', label: 'All open' },
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'ai', label: 'AI-handled' },
  { value: 'handed_off', label: 'Handed off' },
  { value: 'resolved', label: 'Resolved' },
];

export function matchesFilter(c: ConversationSummaryFragment, filter: InboxFilter, meId: string | undefined): boolean {
  if (filter === 'resolved') return c.status === 'RESOLVED';
  if (c.status === 'RESOLVED') return false;
  switch (filter) {
    case 'open':
      return true;
    case 'mine':
      return c.assignee?.id === meId;
    case 'unassigned':
      return !c.assignee;
    case 'ai':
      return c.mode === 'AI';
    case 'handed_off':
      return c.mode === 'HUMAN';
  }
}

export function countByFilter(list: readonly ConversationSummaryFragment[], meId: string | undefined): Record<InboxFilter, number> {
  const counts: Record<InboxFilter, number> = { open: 0, mine: 0, unassigned: 0, ai: 0, handed_off: 0, resolved: 0 };
  for (const c of list) for (const f of INBOX_FILTERS) if (matchesFilter(c, f.value, meId)) counts[f.value] += 1;
  return counts;
}

/** Most recent activity first. */
export function sortByActivity(list: Iterable<ConversationSummaryFragment>): ConversationSummaryFragment[] {
  return [...list].sort((a, b) => Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt));
}

export function upsertConversations(
  current: ReadonlyMap<string, ConversationSummaryFragment>,
  incoming: readonly ConversationSummaryFragment[],
): Map<string, ConversationSummaryFragment> {
  const next = new Map(current);
  for (const c of incoming) next.set(c.id, c);
  return next;
}
