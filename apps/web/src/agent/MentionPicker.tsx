// The note composer's @mention picker: typing `@` and the start of a
// colleague's name (or of their email before the `@`) lists the matching
// active colleagues; ↑/↓ choose, Enter or Tab inserts `@Their Name `, Escape
// closes the list and keeps what was typed. The server resolves mentions by
// name, so what is inserted is exactly what notifies them.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@apollo/client';
import { Paper, Text } from '@mantine/core';
import { TeamMembersDocument } from '@switchboard/schema/client';
import { useStaff } from '../staff/StaffGate';

/** `@` at the start or after a space, then the query, at the end of the draft. */
const AT = /(^|\s)@([^\s@]{0,40})$/;

export interface Colleague {
  id: string;
  name: string;
  email: string;
  status: string;
}

/** The colleagues a query after `@` means: name words or email local part starting with it, best first. */
export function matchColleagues(colleagues: Colleague[], query: string, meId: string, limit = 8): Colleague[] {
  const q = query.toLowerCase();
  return colleagues
    .filter((c) => c.id !== meId && c.status === 'ACTIVE')
    .filter((c) => !q || c.name.toLowerCase().startsWith(q) || c.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || c.email.toLowerCase().split('@')[0]!.startsWith(q))
    .sort((a, b) => Number(!a.name.toLowerCase().startsWith(q)) - Number(!b.name.toLowerCase().startsWith(q)) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

export function useMentionPicker({ draft, enabled, onInsert }: { draft: string; enabled: boolean; onInsert(text: string): void }) {
  const { me } = useStaff();
  const listId = useId();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const match = enabled ? AT.exec(draft) : null;
  const open = Boolean(match) && dismissed !== draft;
  const query = match?.[2] ?? '';
  const { data } = useQuery(TeamMembersDocument, { skip: !open, fetchPolicy: 'cache-first' });
  const items = open ? matchColleagues(data?.teamMembers ?? [], query, me.id) : [];
  useEffect(() => setActive(0), [query]);

  const choose = (c: Colleague) => onInsert(`${draft.slice(0, draft.length - query.length - 1)}@${c.name} `);

  /** Handles the key when the list shows colleagues; returns true when it did. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || !items.length) return false;
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(draft);
      return true;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) || e.key === 'Tab') {
      e.preventDefault();
      choose(items[Math.min(active, items.length - 1)]!);
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listId}-${i}`;
  const showing = open && items.length > 0;
  const inputProps = showing ? { 'aria-controls': listId, 'aria-autocomplete': 'list' as const, 'aria-activedescendant': optionId(active) } : {};
  const list = showing ? (
    <Paper withBorder shadow="sm" p={4} mb={4} className="sb-canned">
      <div role="listbox" id={listId} aria-label="Colleagues to mention">
        {items.map((c, i) => (
          <div
            key={c.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className="sb-canned-option"
            data-active={i === active ? 'true' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => choose(c)}
          >
            <Text size="sm" fw={600} span>
              @{c.name}
            </Text>
            <Text size="xs" c="dimmed" span ml={6}>
              {c.email}
            </Text>
          </div>
        ))}
      </div>
    </Paper>
  ) : null;

  return { open: showing, onKeyDown, inputProps, list };
}
