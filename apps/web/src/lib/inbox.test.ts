import { describe, expect, it } from 'vitest';
import type { ConversationSummaryFragment } from '@switchboard/schema/client';
import { countByFilter, matchesFilter, sortByActivity, upsertConversations } from './inbox';

const conv = (id: string, extra: Partial<ConversationSummaryFragment> = {}): ConversationSummaryFragment => ({
  id,
  status: 'OPEN',
  mode: 'AI',
  priority: 'NORMAL',
  lastMessageAt: '2026-01-01T10:00:00Z',
  contact: { id: `k${id}`, name: id, email: null },
  assignee: null,
  lastMessage: null,
  labels: [],
  team: null,
  ...extra,
});

const me = 'u1';
const list = [
  conv('a'),
  conv('b', { mode: 'HUMAN', assignee: { id: me, name: 'Me' } }),
  conv('c', { mode: 'HUMAN', assignee: { id: 'u2', name: 'Bo' } }),
  conv('d', { status: 'RESOLVED', assignee: { id: me, name: 'Me' } }),
];

describe('inbox filters', () => {
  it('counts each filter (resolved conversations only under Resolved)', () => {
    expect(countByFilter(list, me)).toEqual({ open: 3, mine: 1, unassigned: 1, ai: 1, handed_off: 2, resolved: 1 });
  });

  it('matches mine / unassigned / AI / handed off', () => {
    expect(list.filter((c) => matchesFilter(c, 'mine', me)).map((c) => c.id)).toEqual(['b']);
    expect(list.filter((c) => matchesFilter(c, 'unassigned', me)).map((c) => c.id)).toEqual(['a']);
    expect(list.filter((c) => matchesFilter(c, 'handed_off', me)).map((c) => c.id)).toEqual(['b', 'c']);
  });

  it('updates live: an event replaces the row and the counts follow', () => {
    const map = upsertConversations(new Map(list.map((c) => [c.id, c])), [
      conv('a', { assignee: { id: me, name: 'Me' }, lastMessageAt: '2026-01-02T00:00:00Z' }),
    ]);
    const sorted = sortByActivity(map.values());
    expect(sorted[0]!.id).toBe('a');
    expect(countByFilter(sorted, me)).toMatchObject({ mine: 2, unassigned: 0 });
  });
});
