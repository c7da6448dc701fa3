// Who takes a conversation handed to a human. The decision runs inside the
// handoff's transaction with the conversation locked, and holds its team's row
// lock until commit, so concurrent handoffs to one team decide one after the
// other: turns and capacity counts always see the previous decision.
import { LockMode } from '@mikro-orm/core';
import type { Em } from '../../platform/database.js';
import { observeAssignment } from '../../platform/metrics.js';
import type { Logger } from '../../platform/logger.js';
import type { PubSub } from '../../platform/pubsub.js';
import { publishNotification } from '../../platform/notify.js';
import { User } from '../auth/index.js';
import type { Conversation } from './conversation.entity.js';
import type { PresenceReader } from '../../platform/queue.js';
import { AssignmentPolicy, Team } from '../teams/index.js';

/** How long a decision waits for presence (Redis) before it leaves the conversation to the team inbox. */
const PRESENCE_TIMEOUT_MS = 2_000;

export interface Routing {
  /** The agent auto-assignment chose (null: nobody was available, or the team assigns manually). */
  assignedId: string | null;
  /** Whom to tell that a conversation waits unassigned: the team's members, or every agent when there is no team. */
  notify: string[];
  teamName: string | null;
}

/**
 * Puts a conversation just handed to a human in its team's inbox (the
 * workspace's default team when it has none) and, by the team's policy,
 * assigns an online member. A conversation already assigned stays with its agent.
 */
export async function routeHandoff(em: Em, conversation: Conversation, presence: PresenceReader | undefined, logger?: Logger): Promise<Routing> {
  if (conversation.assignee) return { assignedId: null, notify: [], teamName: null };
  const started = performance.now();
  const routing = await decide(em, conversation, presence, logger);
  observeAssignment(routing.policy, routing.assignedId ? 'assigned' : 'waiting', (performance.now() - started) / 1000);
  return routing;
}

async function decide(em: Em, conversation: Conversation, presence: PresenceReader | undefined, logger?: Logger): Promise<Routing & { policy: string }> {
  const workspaceId = conversation.workspace.id;
  const team = await em.findOne(Team, conversation.team ? { id: conversation.team.id, workspace: workspaceId } : { isDefault: true, workspace: workspaceId }, {
    lockMode: LockMode.PESSIMISTIC_WRITE,
  });
  if (!team) return { assignedId: null, notify: await activeStaff(em, workspaceId), teamName: null, policy: 'no_team' };
  conversation.team = em.getReference(Team, team.id) as never;
  const members = await activeMembers(em, team.id);
  const assignedId = team.assignmentPolicy === AssignmentPolicy.MANUAL ? null : await pickAgent(em, team, members, presence, logger);
  if (!assignedId) return { assignedId: null, notify: members, teamName: team.name, policy: team.assignmentPolicy };
  conversation.assignee = em.getReference(User, assignedId) as never;
  team.lastAssignedId = assignedId;
  return { assignedId, notify: [], teamName: team.name, policy: team.assignmentPolicy };
}

/** Members whose account is active, in the order they joined (the round-robin order). */
export async function activeMembers(em: Em, teamId: string): Promise<string[]> {
  const rows = await em.execute<{ user_id: string }[]>(
    `select tm.user_id from team_member tm join "user" u on u.id = tm.user_id
      where tm.team_id = ? and u.status = 'ACTIVE' order by tm.created_at, tm.user_id`,
    [teamId],
  );
  return rows.map((r) => r.user_id);
}

async function activeStaff(em: Em, workspaceId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(`select id from "user" where workspace_id = ? and status = 'ACTIVE' order by id`, [workspaceId]);
  return rows.map((r) => r.id);
}

async function onlineUsers(presence: PresenceReader, workspaceId: string): Promise<Set<string>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`presence did not answer in ${PRESENCE_TIMEOUT_MS} ms`)), PRESENCE_TIMEOUT_MS);
  });
  try {
    const statuses = await Promise.race([presence.list(workspaceId), timeout]);
    return new Set([...statuses].filter(([, status]) => status === 'ONLINE').map(([id]) => id));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The member to assign: among those online (not away) and below the team's
 * capacity, the next in turn after the last one assigned (ROUND_ROBIN), or
 * the one holding the fewest unresolved conversations, turns breaking ties
 * (LEAST_OPEN). Null when nobody qualifies, or presence cannot be read.
 */
export async function pickAgent(em: Em, team: Team, members: string[], presence: PresenceReader | undefined, logger?: Logger): Promise<string | null> {
  if (members.length === 0 || !presence) return null;
  let online: Set<string>;
  try {
    online = await onlineUsers(presence, team.workspace.id);
  } catch (err) {
    logger?.warn({ err, teamId: team.id }, 'presence unavailable: handoff left to the team inbox');
    return null;
  }
  const last = team.lastAssignedId ? members.indexOf(team.lastAssignedId) : -1;
  const inTurn = [...members.slice(last + 1), ...members.slice(0, last + 1)].filter((id) => online.has(id));
  if (inTurn.length === 0) return null;
  if (team.capacity == null && team.assignmentPolicy === AssignmentPolicy.ROUND_ROBIN) return inTurn[0]!;
  const rows = await em.execute<{ assignee_id: string; n: number }[]>(
    `select assignee_id, count(*)::int as n from conversation
      where workspace_id = ? and status <> 'RESOLVED' and assignee_id in (${inTurn.map(() => '?').join(', ')}) group by assignee_id`,
    [team.workspace.id, ...inTurn],
  );
  const open = new Map(rows.map((r) => [r.assignee_id, Number(r.n)]));
  const eligible = inTurn.filter((id) => team.capacity == null || (open.get(id) ?? 0) < team.capacity);
  if (eligible.length === 0) return null;
  if (team.assignmentPolicy === AssignmentPolicy.ROUND_ROBIN) return eligible[0]!;
  // The first of the least loaded in turn order: a stable sort keeps turns among equals.
  return eligible.reduce((best, id) => ((open.get(id) ?? 0) < (open.get(best) ?? 0) ? id : best));
}

/** After commit: tells the team (or every agent) that a handed-off conversation waits for someone. */
export function publishRouting(pubSub: PubSub, conversation: Conversation, routing: Routing) {
  const text = routing.teamName
    ? `A conversation handed to a human is waiting in the ${routing.teamName} inbox`
    : 'A conversation handed to a human is waiting for an agent';
  for (const userId of routing.notify) {
    publishNotification(pubSub, { workspaceId: conversation.workspace.id, userId, kind: 'UNASSIGNED_HANDOFF', conversationId: conversation.id, text });
  }
}
