// Which team inbox a conversation is in; moving it routes it by the new
// team's assignment policy when it waits for a human.
import { useMutation, useQuery } from '@apollo/client/react';
import { Group, Select } from '@mantine/core';
import { TeamsDocument, TransferConversationDocument } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';

export function ConversationTeam({ conversationId, teamId }: { conversationId: string; teamId: string | null }) {
  const teams = useQuery(TeamsDocument, { fetchPolicy: 'cache-first' });
  const [transfer, transferred] = useMutation(TransferConversationDocument);
  if (!teams.data?.teams.length) return null;
  return (
    <Group gap={4} px="sm" pb={4}>
      <Select
        aria-label="Team inbox"
        size="xs"
        w={220}
        placeholder="No team"
        clearable
        data={teams.data.teams.map((t) => ({ value: t.id, label: `Team: ${t.name}` }))}
        value={teamId}
        onChange={(value) => void transfer({ variables: { conversationId, teamId: value } }).catch(() => undefined)}
      />
      {transferred.error && <ErrorNotice error={transferred.error} title="The conversation was not moved" compact />}
    </Group>
  );
}
