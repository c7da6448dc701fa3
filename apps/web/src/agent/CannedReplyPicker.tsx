// The composer's saved-reply picker: typing `/` (and the start of a shortcut,
// or words of a reply) lists the matching canned replies; ↑/↓ choose, Enter or
// Tab inserts the reply with its placeholders filled for this conversation,
// Escape closes the list and keeps what was typed.
import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { Badge, Text } from '@mantine/core';
import { CannedRepliesDocument, RenderCannedReplyDocument } from '@switchboard/schema/client';
import { useStaff } from '../staff/StaffGate';
import { describeError } from '../lib/errors';
import { useComposerPicker } from './ComposerPicker';

const SLASH = /^\/(\S*)$/;

export function useCannedReplyPicker({ draft, conversationId, onInsert }: { draft: string; conversationId: string; onInsert(text: string): void }) {
  const { api } = useStaff();
  const [failure, setFailure] = useState<string | null>(null);
  const match = SLASH.exec(draft);
  const search = match?.[1] || null;
  const { data, loading } = useQuery(CannedRepliesDocument, { variables: { search, first: 8 }, skip: !match, fetchPolicy: 'cache-and-network' });
  const items = match ? (data?.cannedReplies.edges.map((e) => e.node) ?? []) : [];

  const choose = async (id: string) => {
    setFailure(null);
    try {
      const res = await api.apollo.query({ query: RenderCannedReplyDocument, variables: { id, conversationId }, fetchPolicy: 'network-only' });
      onInsert(res.data?.renderCannedReply ?? '');
    } catch (err) {
      setFailure(describeError(err).message);
    }
  };

  const picker = useComposerPicker({
    draft,
    wanted: Boolean(match),
    query: search ?? '',
    items,
    onChoose: (r) => void choose(r.id),
    swallowEnterWhenEmpty: true,
  });
  const list = picker.list(
    'Saved replies',
    (r) => (
      <>
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
      </>
    ),
    (r) => r.id,
    <>
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
    </>,
  );
  return { open: picker.open, onKeyDown: picker.onKeyDown, inputProps: picker.inputProps, list };
}
