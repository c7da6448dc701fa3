// teams.route-waiting: conversations waiting unassigned in a team inbox are
// assigned as soon as someone can take them. Enqueued when an agent comes
// online, when one of their conversations is resolved or unassigned (capacity
// frees), when a team gains a member or changes its policy or capacity; and
// every minute for every workspace as a safety net (a trigger lost while the
// queue was down).
//
// Each assignment is one transaction holding the team's row lock, like a
// handoff's decision, so turns and capacity stay exact against concurrent
// handoffs. The waiting conversation is taken with SKIP LOCKED: a handoff
// locks its conversation before the team, the reverse of this order, so a
// conversation being handed off right now is left to that handoff.
import { LockMode } from '@mikro-orm/core';
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobContext, type JobDefinition } from '../../platform/queue.js';
import { observeAssignment } from '../../platform/metrics.js';
import { User } from '../auth/index.js';
import { Conversation, ConversationMode, ConversationStatus } from './conversation.entity.js';
import { conversationEvents, publishConversationChanged } from './conversation.events.js';
import { emitWebhookEvents, pokeFanOut } from '../webhooks/index.js';
import { AssignmentPolicy, Team } from '../teams/index.js';
import { activeMembers, pickAgent } from './routing.js';

/** Assignments per team per run; the next run (or trigger) takes the rest. */
const MAX_PER_TEAM = 200;

export const routeWaitingJob: JobDefinition<{ workspaceId?: string }> = {
  name: 'teams.route-waiting',
  queue: QUEUES.maintenance,
  async handle({ workspaceId }, ctx) {
    const workspaces = workspaceId
      ? [workspaceId]
      : (
          await forkFor(ctx.orm, null).execute<{ workspace_id: string }[]>(
            `select distinct workspace_id from conversation where team_id is not null and assignee_id is null and mode = 'HUMAN' and status <> 'RESOLVED'`,
          )
        ).map((r) => r.workspace_id);
    let assigned = 0;
    for (const id of workspaces) assigned += await routeWorkspace(ctx, id);
    if (assigned) ctx.logger.info({ assigned, workspaces: workspaces.length }, 'waiting conversations assigned');
    return { assigned };
  },
};

async function routeWorkspace(ctx: JobContext, workspaceId: string): Promise<number> {
  const teams = await forkFor(ctx.orm, workspaceId).find(Team, { assignmentPolicy: { $ne: AssignmentPolicy.MANUAL } }, { fields: ['id'] });
  let assigned = 0;
  for (const { id } of teams) {
    for (let n = 0; n < MAX_PER_TEAM; n += 1) {
      const started = performance.now();
      const result = await forkFor(ctx.orm, workspaceId).transactional(async (tx) => {
        const team = await tx.findOne(Team, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!team || team.assignmentPolicy === AssignmentPolicy.MANUAL) return null;
        const [conversation] = await tx.find(
          Conversation,
          { team: id, mode: ConversationMode.HUMAN, assignee: null, status: { $ne: ConversationStatus.RESOLVED } },
          { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: 1, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
        );
        if (!conversation) return null;
        const assigneeId = await pickAgent(tx, team, await activeMembers(tx, team.id), ctx.presence, ctx.logger);
        if (!assigneeId) return null;
        conversation.assignee = tx.getReference(User, assigneeId) as never;
        team.lastAssignedId = assigneeId;
        const fanOut = await emitWebhookEvents(tx, workspaceId, conversationEvents(conversation, 'assigned'));
        return { conversation, fanOut, policy: team.assignmentPolicy };
      });
      if (!result) break;
      observeAssignment(result.policy, 'assigned', (performance.now() - started) / 1000);
      publishConversationChanged(ctx.pubSub, result.conversation, 'assigned');
      pokeFanOut(ctx, result.fanOut);
      assigned += 1;
    }
  }
  return assigned;
}
