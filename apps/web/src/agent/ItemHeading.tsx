import { Group, Text } from '@mantine/core';
import type { ConversationSummaryFragment } from '@switchboard/schema/client';
import { contactName, relativeTime } from '../lib/format';

/** The contact's name and the time of the last activity: the first line of an inbox item or search result. */
export function ItemHeading({
  conversation: c,
  unread = false,
}: {
  conversation: Pick<ConversationSummaryFragment, 'contact' | 'lastMessageAt'>;
  unread?: boolean;
}) {
  return (
    <Group justify="space-between" gap={4} wrap="nowrap">
      <Text size="sm" className="sb-inbox-name" truncate>
        {unread && <span className="sb-visually-hidden">Unread: </span>}
        {contactName(c.contact)}
      </Text>
      <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
        {relativeTime(c.lastMessageAt)}
      </Text>
    </Group>
  );
}
