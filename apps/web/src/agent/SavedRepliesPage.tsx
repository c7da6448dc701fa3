// Saved replies: your personal ones, and the workspace's shared ones (admins
// manage those). The composer inserts them by shortcut (`/refund`).
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Group, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import {
  CannedRepliesDocument,
  CreateCannedReplyDocument,
  DeleteCannedReplyDocument,
  UpdateCannedReplyDocument,
  type CannedReplyFieldsFragment,
} from '@switchboard/schema/client';
import { useStaff } from '../staff/StaffGate';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';

const EMPTY = { shortcut: '', title: '', body: '', shared: false };

export function SavedRepliesPage() {
  const { me } = useStaff();
  const isAdmin = me.role === 'ADMIN';
  const [search, setSearch] = useState('');
  const { data, loading, error, refetch, fetchMore } = useQuery(CannedRepliesDocument, {
    variables: { search: search.trim() || null, first: 50 },
    fetchPolicy: 'cache-and-network',
  });
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<CannedReplyFieldsFragment | null>(null);
  const [create, created] = useMutation(CreateCannedReplyDocument);
  const [update, updated] = useMutation(UpdateCannedReplyDocument);
  const [remove, removed] = useMutation(DeleteCannedReplyDocument);
  const replies = data?.cannedReplies.edges.map((e) => e.node) ?? [];
  const canChange = (r: CannedReplyFieldsFragment) => r.personal || isAdmin;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const fields = { shortcut: form.shortcut, title: form.title, body: form.body };
    try {
      if (editing) await update({ variables: { id: editing.id, input: fields } });
      else await create({ variables: { input: { ...fields, personal: !form.shared } } });
    } catch {
      return; // shown below the form
    }
    setForm(EMPTY);
    setEditing(null);
    await refetch();
  };
  const edit = (r: CannedReplyFieldsFragment) => {
    setEditing(r);
    setForm({ shortcut: r.shortcut, title: r.title ?? '', body: r.body, shared: !r.personal });
  };

  return (
    <Stack p="md" gap="md" maw={980}>
      <Title order={1} size="h3">
        Saved replies
      </Title>
      <Text size="sm" c="dimmed">
        Type <code>/</code> in a conversation’s reply box to insert one. Placeholders: <code>{'{{contact.name}}'}</code>, <code>{'{{contact.email}}'}</code>,{' '}
        <code>{'{{agent.name}}'}</code>, <code>{'{{workspace.name}}'}</code>; a fallback after a bar: <code>{'{{contact.name|there}}'}</code>.
      </Text>
      <form onSubmit={(e) => void save(e)} aria-label={editing ? `Edit /${editing.shortcut}` : 'New saved reply'}>
        <Stack gap="xs">
          <Group align="flex-end" grow>
            <TextInput
              label="Shortcut"
              required
              placeholder="refund"
              value={form.shortcut}
              maxLength={41}
              onChange={(e) => setForm({ ...form, shortcut: e.currentTarget.value })}
            />
            <TextInput
              label="Title"
              placeholder="Refund timing"
              value={form.title}
              maxLength={120}
              onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
            />
          </Group>
          <Textarea
            label="Text"
            required
            autosize
            minRows={3}
            maxRows={10}
            maxLength={10_000}
            value={form.body}
            onChange={(e) => setForm({ ...form, body: e.currentTarget.value })}
          />
          <Group>
            {isAdmin && !editing && (
              <Switch label="Share with the whole workspace" checked={form.shared} onChange={(e) => setForm({ ...form, shared: e.currentTarget.checked })} />
            )}
            <Button type="submit" loading={created.loading || updated.loading} disabled={!form.shortcut.trim() || !form.body.trim()}>
              {editing ? 'Save changes' : 'Add reply'}
            </Button>
            {editing && (
              <Button variant="subtle" onClick={() => (setEditing(null), setForm(EMPTY))}>
                Cancel
              </Button>
            )}
          </Group>
          {(created.error || updated.error) && <ErrorNotice error={created.error ?? updated.error} title="The reply was not saved" compact />}
        </Stack>
      </form>
      <TextInput
        label="Search saved replies"
        placeholder="/ref or words of a reply"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={360}
      />
      {error && <ErrorNotice error={error} onRetry={() => void refetch()} />}
      {removed.error && <ErrorNotice error={removed.error} title="The reply was not deleted" compact />}
      {loading && !data ? (
        <Loading label="Loading saved replies…" />
      ) : replies.length === 0 ? (
        <Empty title={search ? 'No saved reply matches' : 'No saved replies yet'}>Add one above.</Empty>
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Shortcut</Table.Th>
              <Table.Th>Text</Table.Th>
              <Table.Th>Shared</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {replies.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Text fw={600}>/{r.shortcut}</Text>
                  {r.title && <Text size="xs">{r.title}</Text>}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                    {r.body}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {r.personal ? (
                    <Badge variant="light">personal</Badge>
                  ) : (
                    <Badge color="teal" variant="light">
                      workspace
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {canChange(r) && (
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="light" onClick={() => edit(r)} aria-label={`Edit /${r.shortcut}`}>
                        Edit
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="light"
                        color="red"
                        aria-label={`Delete /${r.shortcut}`}
                        onClick={() =>
                          void remove({ variables: { id: r.id } }).then(
                            () => refetch(),
                            () => undefined,
                          )
                        }
                      >
                        Delete
                      </Button>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data?.cannedReplies.pageInfo.hasNextPage && (
        <Button variant="subtle" onClick={() => void fetchMore({ variables: { after: data.cannedReplies.pageInfo.endCursor } })}>
          Show more
        </Button>
      )}
    </Stack>
  );
}
