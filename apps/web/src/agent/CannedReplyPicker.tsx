// The composer's saved-reply picker: typing `/` (and the start of a shortcut,
// or words of a reply) lists the matching canned replies; ↑/↓ choose, Enter or
// Tab inserts the reply with its placeholders filled for this conversation,
// Escape closes the list and keeps what was typed.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@apollo/client';
import { Badge, Paper, Text } from '@mantine/core';
import { CannedRepliesDocument, RenderCannedReplyDocument } from '@switchboard/schema/client';
import { useStaff } from '../staff/StaffGate';
import { describeError } from '../lib/errors';

const SLASH = /^\/(\S*)$/;

export function useCannedReplyPicker({ draft, conversationId, onInsert }: { draft: string; conversationId: string; onInsert(text: string): void }) {
  const { api } = useStaff();
  const listId = useId();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const match = SLASH.exec(draft);
  const open = Boolean(match) && dismissed !== draft;
  const search = match?.[1] || null;
  const { data, loading } = useQuery(CannedRepliesDocument, { variables: { search, first: 8 }, skip: !open, fetchPolicy: 'cache-and-network' });
  const items = open ? (data?.cannedReplies.edges.map((e) => e.node) ?? []) : [];
  useEffect(() => setActive(0), [search]);

  const choose = async (id: string) => {
    setFailure(null);
    try {
      const res = await api.apollo.query({ query: RenderCannedReplyDocument, variables: { id, conversationId }, fetchPolicy: 'network-only' });
      onInsert(res.data?.renderCannedReply ?? '');
    } catch (err) {
      setFailure(describeError(err).message);
    }
  };

  /** Handles the key when the list is open; returns true when it did. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(draft);
      return true;
    }
    if (!items.length) return e.key === 'Enter' && (e.preventDefault(), true);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) || e.key === 'Tab') {
      e.preventDefault();
      void choose(items[Math.min(active, items.length - 1)]!.id);
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listId}-${i}`;
  const inputProps = open
    ? { 'aria-controls': listId, 'aria-autocomplete': 'list' as const, 'aria-activedescendant': items.length ? optionId(active) : undefined }
    : {};

  const list = open ? (
    <Paper withBorder shadow="sm" p={4} mb={4} className="sb-canned">
      <div role="listbox" id={listId} aria-label="Saved replies">
        {items.map((r, i) => (
          <div
            key={r.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className="sb-canned-option"
            data-active={i === active ? 'true' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => void choose(r.id)}
          >
            <Text size="sm" fw={600} span>
              /{r.shortcut}
            </Text>
            {r.title && (
              <Text size="sm" span ml={6}>
                {r.title}
              </Text>
            )}
            {r.personal && (
              <Badge size="xs" variant="light" ml={6}>
                personal
              </Badge>
            )}
            <Text size="xs" c="dimmed" lineClamp={1}>
              {r.body}
            </Text>
          </div>
        ))}
      </div>
      {!items.length && (
        <Text size="sm" c="dimmed" px={4}>
          {loading ? 'Looking up saved replies…' : search ? `No saved reply matches “${search}”.` : 'No saved replies yet.'}
        </Text>
      )}
      {failure && (
        <Text size="sm" c="red" px={4} role="alert">
          {failure}
        </Text>
      )}
    </Paper>
  ) : null;

  return { open, onKeyDown, inputProps, list };
}
