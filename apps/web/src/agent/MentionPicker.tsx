// The note composer's @mention picker: typing `@` and the start of a
// colleague's name (or of their email before the `@`) lists the matching
// active colleagues; ↑/↓ choose, Enter or Tab inserts `@Their Name `, Escape
// closes the list and keeps what was typed. The server resolves mentions by
// name, so what is inserted is exactly what notifies them.
import { useQuery } from '@apollo/client/react';
import { Text } from '@mantine/core';
import { TeamMembersDocument } from '@switchboard/schema/client';
import { useStaff } from '../staff/StaffGate';
import { useComposerPicker } from './ComposerPicker';

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
    .filter(
      (c) =>
        !q ||
        c.name.toLowerCase().startsWith(q) ||
        c.name
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith(q)) ||
        c.email.toLowerCase().split('@')[0]!.startsWith(q),
    )
    .sort((a, b) => Number(!a.name.toLowerCase().startsWith(q)) - Number(!b.name.toLowerCase().startsWith(q)) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

export function useMentionPicker({ draft, enabled, onInsert }: { draft: string; enabled: boolean; onInsert(text: string): void }) {
  const { me } = useStaff();
  const match = enabled ? AT.exec(draft) : null;
  const query = match?.[2] ?? '';
  const { data } = useQuery(TeamMembersDocument, { skip: !match, fetchPolicy: 'cache-first' });
  const items = match ? matchColleagues(data?.teamMembers ?? [], query, me.id) : [];
  const choose = (c: Colleague) => onInsert(`${draft.slice(0, draft.length - query.length - 1)}@${c.name} `);
  // Nobody matches: no list, and Enter adds the note as typed.
  const picker = useComposerPicker({ draft, wanted: items.length > 0, query, items, onChoose: choose });
  const list = picker.list(
    'Colleagues to mention',
    (c) => (
      <>
        <Text size="sm" fw={600} span>
          @{c.name}
        </Text>
        <Text size="xs" c="dimmed" span ml={6}>
          {c.email}
        </Text>
      </>
    ),
    (c) => c.id,
  );
  return { open: picker.open, onKeyDown: picker.onKeyDown, inputProps: picker.inputProps, list };
}
