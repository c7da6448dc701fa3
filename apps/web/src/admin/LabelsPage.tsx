// Admin → Labels: the workspace's conversation labels, with how many
// unresolved conversations carry each.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, ColorInput, Group, Table, Text, TextInput } from '@mantine/core';
import { CreateLabelDocument, DeleteLabelDocument, LabelsDocument } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { Page } from './Page';

export default function LabelsPage() {
  const { data, loading, error, refetch } = useQuery(LabelsDocument, { fetchPolicy: 'cache-and-network' });
  const [name, setName] = useState('');
  const [color, setColor] = useState('#1e88e5');
  const [create, created] = useMutation(CreateLabelDocument);
  const [remove, removed] = useMutation(DeleteLabelDocument);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await create({ variables: { input: { name, color } } });
    } catch {
      return; // shown below
    }
    setName('');
    await refetch();
  };

  return (
    <Page title="Labels" description="Agents put labels on conversations; the inbox and the API filter by them.">
      <form onSubmit={(e) => void submit(e)} aria-label="New label">
        <Group align="flex-end">
          <TextInput label="Name" required maxLength={40} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <ColorInput label="Colour" format="hex" withEyeDropper={false} value={color} onChange={setColor} w={160} />
          <Button type="submit" loading={created.loading} disabled={!name.trim()}>
            Add label
          </Button>
        </Group>
        {created.error && <ErrorNotice error={created.error} title="The label was not added" compact />}
      </form>
      {error && <ErrorNotice error={error} onRetry={() => void refetch()} />}
      {removed.error && <ErrorNotice error={removed.error} title="The label was not deleted" compact />}
      {loading && !data ? (
        <Loading label="Loading labels…" />
      ) : !data?.labels.length ? (
        <Empty title="No labels yet">Add one above.</Empty>
      ) : (
        <Table striped maw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Label</Table.Th>
              <Table.Th>Open conversations</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.labels.map((l) => (
              <Table.Tr key={l.id} data-testid="label-row">
                <Table.Td>
                  <Badge
                    variant="default"
                    leftSection={<span aria-hidden style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 4, background: l.color }} />}
                  >
                    {l.name}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{l.openConversations}</Text>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="light"
                    color="red"
                    aria-label={`Delete the label ${l.name}`}
                    onClick={() =>
                      void remove({ variables: { id: l.id } }).then(
                        () => refetch(),
                        () => undefined,
                      )
                    }
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Page>
  );
}
