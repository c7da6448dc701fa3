// Admin → Team inboxes: teams of agents, each with its inbox and the policy
// that assigns the conversations handed to a human.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Checkbox, Group, MultiSelect, NumberInput, Select, Table, Text, TextInput } from '@mantine/core';
import {
  AddTeamMemberDocument,
  CreateTeamDocument,
  DeleteTeamDocument,
  RemoveTeamMemberDocument,
  TeamRosterDocument,
  TeamsDocument,
  UpdateTeamDocument,
  type AssignmentPolicy,
  type TeamFieldsFragment,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { Page } from './Page';

const POLICIES: { value: AssignmentPolicy; label: string }[] = [
  { value: 'MANUAL', label: 'Manual (team inbox)' },
  { value: 'ROUND_ROBIN', label: 'Round-robin' },
  { value: 'LEAST_OPEN', label: 'Fewest open conversations' },
];

export default function TeamInboxesPage() {
  const { data, loading, error, refetch } = useQuery(TeamsDocument, { fetchPolicy: 'cache-and-network' });
  const roster = useQuery(TeamRosterDocument, { variables: { first: 100, statuses: ['ACTIVE'] }, fetchPolicy: 'cache-and-network' });
  const people = (roster.data?.teamRoster.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }));
  const [name, setName] = useState('');
  const [policy, setPolicy] = useState<AssignmentPolicy>('ROUND_ROBIN');
  const [capacity, setCapacity] = useState<number | string>('');
  const [isDefault, setIsDefault] = useState(false);
  const [memberIds, setMemberIds] = useState<string[]>([]);
  const [create, created] = useMutation(CreateTeamDocument);
  const [update, updated] = useMutation(UpdateTeamDocument);
  const [remove, removed] = useMutation(DeleteTeamDocument);
  const [addMember, added] = useMutation(AddTeamMemberDocument);
  const [removeMember, removedMember] = useMutation(RemoveTeamMemberDocument);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await create({
        variables: { input: { name, assignmentPolicy: policy, capacity: typeof capacity === 'number' ? capacity : null, isDefault, memberIds } },
      });
    } catch {
      return; // shown below
    }
    setName('');
    setMemberIds([]);
    setIsDefault(false);
    await refetch();
  };

  const setMembers = async (team: TeamFieldsFragment, next: string[]) => {
    const had = new Set(team.members.map((m) => m.id));
    try {
      for (const userId of next.filter((id) => !had.has(id))) await addMember({ variables: { teamId: team.id, userId } });
      for (const userId of [...had].filter((id) => !next.includes(id))) await removeMember({ variables: { teamId: team.id, userId } });
    } catch {
      // Shown below.
    }
  };

  const failure = updated.error ?? removed.error ?? added.error ?? removedMember.error;
  return (
    <Page
      title="Team inboxes"
      description="A conversation handed to a human goes to its team’s inbox (the default team’s when it has none) and is assigned by the team’s policy to an online member below capacity; when nobody can take it, the team is notified."
    >
      <form onSubmit={(e) => void submit(e)} aria-label="New team">
        <Group align="flex-end">
          <TextInput label="Name" required maxLength={60} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Select label="Assignment" data={POLICIES} value={policy} allowDeselect={false} onChange={(v) => v && setPolicy(v as AssignmentPolicy)} w={230} />
          <NumberInput label="Capacity per agent" description="Empty: no limit" min={1} max={100} value={capacity} onChange={setCapacity} w={150} />
          <MultiSelect label="Members" data={people} value={memberIds} onChange={setMemberIds} searchable w={260} />
          <Checkbox label="Default team" checked={isDefault} onChange={(e) => setIsDefault(e.currentTarget.checked)} mb={8} />
          <Button type="submit" loading={created.loading} disabled={!name.trim()}>
            Add team
          </Button>
        </Group>
        {created.error && <ErrorNotice error={created.error} title="The team was not added" compact />}
      </form>
      {error && <ErrorNotice error={error} onRetry={() => void refetch()} />}
      {failure && <ErrorNotice error={failure} title="The change was not saved" compact />}
      {loading && !data ? (
        <Loading label="Loading teams…" />
      ) : !data?.teams.length ? (
        <Empty title="No teams yet">Handoffs wait unassigned and every agent is notified. Add a team above.</Empty>
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Team</Table.Th>
              <Table.Th>Assignment</Table.Th>
              <Table.Th>Capacity</Table.Th>
              <Table.Th>Waiting</Table.Th>
              <Table.Th>Members</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.teams.map((team) => (
              <Table.Tr key={team.id} data-testid="team-row">
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" fw={500}>
                      {team.name}
                    </Text>
                    {team.isDefault && <Badge size="xs">default</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Assignment policy of ${team.name}`}
                    size="xs"
                    data={POLICIES}
                    value={team.assignmentPolicy}
                    allowDeselect={false}
                    onChange={(v) =>
                      v && void update({ variables: { id: team.id, input: { assignmentPolicy: v as AssignmentPolicy } } }).catch(() => undefined)
                    }
                  />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{team.capacity ?? 'no limit'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{team.waitingConversations}</Text>
                </Table.Td>
                <Table.Td>
                  <MultiSelect
                    aria-label={`Members of ${team.name}`}
                    size="xs"
                    data={people}
                    value={team.members.map((m) => m.id)}
                    onChange={(next) => void setMembers(team, next)}
                    searchable
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    {!team.isDefault && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() =>
                          void update({ variables: { id: team.id, input: { isDefault: true } } }).then(
                            () => refetch(),
                            () => undefined,
                          )
                        }
                      >
                        Make default
                      </Button>
                    )}
                    <Button
                      size="compact-xs"
                      variant="light"
                      color="red"
                      aria-label={`Delete the team ${team.name}`}
                      onClick={() =>
                        void remove({ variables: { id: team.id } }).then(
                          () => refetch(),
                          () => undefined,
                        )
                      }
                    >
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Page>
  );
}
