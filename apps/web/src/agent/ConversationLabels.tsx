// A conversation's labels under its header: coloured badges, and a menu that
// puts the workspace's labels on it or takes them off.
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Group, Menu } from '@mantine/core';
import { AddConversationLabelDocument, LabelsDocument, RemoveConversationLabelDocument, type LabelFieldsFragment } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';

// The labels come from the conversation query: the mutations' results update it
// in Apollo's cache, and the pane reads it again when another agent changes them.
export function ConversationLabels({ conversationId, labels }: { conversationId: string; labels: readonly LabelFieldsFragment[] }) {
  const all = useQuery(LabelsDocument, { fetchPolicy: 'cache-and-network' });
  const [add, added] = useMutation(AddConversationLabelDocument);
  const [remove, removed] = useMutation(RemoveConversationLabelDocument);
  const on = new Set(labels.map((l) => l.id));

  const toggle = async (label: LabelFieldsFragment) => {
    try {
      const variables = { conversationId, labelId: label.id };
      if (on.has(label.id)) await remove({ variables });
      else await add({ variables });
    } catch {
      // Shown below.
    }
  };

  return (
    <Group gap={4} px="sm" py={4} wrap="wrap" data-testid="conversation-labels" aria-label="Labels">
      {labels.map((l) => (
        <Badge
          key={l.id}
          variant="default"
          data-testid="conversation-label"
          leftSection={<span aria-hidden style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 4, background: l.color }} />}
        >
          {l.name}
        </Badge>
      ))}
      {/* Labels an admin added since the conversation opened appear when the menu opens. */}
      <Menu withinPortal closeOnItemClick={false} onOpen={() => void all.refetch().catch(() => undefined)}>
        <Menu.Target>
          <Button size="compact-xs" variant="subtle">
            {labels.length ? 'Labels…' : 'Add a label'}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Labels</Menu.Label>
          {(all.data?.labels ?? []).map((l) => (
            <Menu.Item
              key={l.id}
              aria-label={on.has(l.id) ? `${l.name} (on this conversation: take it off)` : l.name}
              onClick={() => void toggle(l)}
              leftSection={<span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: l.color }} />}
              rightSection={on.has(l.id) ? '✓' : null}
            >
              {l.name}
            </Menu.Item>
          ))}
          {all.data && all.data.labels.length === 0 && <Menu.Item disabled>No labels yet (admins add them in Admin → Labels)</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      {(added.error || removed.error) && <ErrorNotice error={added.error ?? removed.error} title="The label was not changed" compact />}
    </Group>
  );
}
