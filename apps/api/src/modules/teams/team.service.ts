// Teams (admins manage them and their members) and transfers of
// conversations between team inboxes (any agent). A transfer goes through the
// conversation's own change path: locked, audited, published.
import { sql, UniqueConstraintViolationException } from '@mikro-orm/core';
import { workspaceActor } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { audit } from '../audit/index.js';
import { User, UserStatus } from '../auth/index.js';
import {
  Conversation,
  ConversationMode,
  ConversationService,
  ConversationStatus,
  publishRouting,
  routeHandoff,
  routeWaitingSoon,
  type Routing,
} from '../conversations/index.js';
import { Team, TeamMember, TEAM_DEFAULT_UNIQUE } from './team.entity.js';
import type { CreateTeamInput, UpdateTeamInput } from './team.inputs.js';

export class TeamService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  /** Alphabetical ignoring case. */
  list(): Promise<Team[]> {
    return this.em.find(Team, {}, { orderBy: [{ [sql.lower('name')]: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string, field = 'id'): Promise<Team> {
    assertId(id, field);
    const team = await this.em.findOne(Team, { id });
    if (!team) throw notFound('Team');
    return team;
  }

  async create(input: CreateTeamInput): Promise<Team> {
    const { workspaceId } = workspaceActor(this.scope.actor);
    const memberIds = [...new Set(input.memberIds ?? [])];
    const found = await this.activeUsers(memberIds);
    const users = memberIds.map((id) => found.find((u) => u.id === id)!);
    return this.write(input.name.trim(), async (em) => {
      if (input.isDefault) await em.nativeUpdate(Team, { workspace: workspaceId, isDefault: true }, { isDefault: false });
      const team = em.create(Team, {
        workspace: workspaceId,
        name: input.name.trim(),
        assignmentPolicy: input.assignmentPolicy,
        capacity: input.capacity ?? null,
        isDefault: input.isDefault ?? false,
      });
      // Members join in the order given: that is the round-robin order.
      const joined = Date.now();
      users.forEach((user, i) => em.create(TeamMember, { team, user, workspace: workspaceId, createdAt: new Date(joined + i) }));
      audit({ ...this.scope, em }, workspaceId, {
        action: 'team.create',
        targetType: 'Team',
        targetId: team.id,
        metadata: { name: team.name, policy: team.assignmentPolicy, members: users.length },
      });
      return team;
    });
  }

  async update(id: string, input: UpdateTeamInput): Promise<Team> {
    const current = await this.get(id);
    const workspaceId = current.workspace.id;
    const updated = await this.write(input.name?.trim() ?? current.name, async (em) => {
      const team = await em.findOneOrFail(Team, { id });
      if (input.isDefault && !team.isDefault) await em.nativeUpdate(Team, { workspace: workspaceId, isDefault: true }, { isDefault: false });
      if (input.name != null) team.name = input.name.trim();
      if (input.assignmentPolicy != null) team.assignmentPolicy = input.assignmentPolicy;
      if (input.capacity != null) team.capacity = input.capacity === 0 ? null : input.capacity;
      if (input.isDefault != null) team.isDefault = input.isDefault;
      audit({ ...this.scope, em }, workspaceId, {
        action: 'team.update',
        targetType: 'Team',
        targetId: team.id,
        metadata: { name: team.name, policy: team.assignmentPolicy, capacity: team.capacity ?? null, isDefault: team.isDefault },
      });
      return team;
    });
    // A policy that now assigns, or a higher capacity, may take waiting conversations.
    if (input.assignmentPolicy != null || input.capacity != null) routeWaitingSoon(this.scope.deps, workspaceId);
    return updated;
  }

  /** Deletes the team; its conversations leave its inbox (team null) and keep their assignees. */
  async delete(id: string): Promise<boolean> {
    const team = await this.get(id);
    audit(this.scope, team.workspace.id, { action: 'team.delete', targetType: 'Team', targetId: team.id, metadata: { name: team.name } });
    this.em.remove(team);
    await this.em.flush();
    return true;
  }

  async addMember(teamId: string, userId: string): Promise<Team> {
    const team = await this.get(teamId, 'teamId');
    const [user] = await this.activeUsers([userId]);
    const existing = await this.em.findOne(TeamMember, { team: team.id, user: user!.id });
    if (!existing) {
      this.em.create(TeamMember, { team, user: user!, workspace: team.workspace.id });
      audit(this.scope, team.workspace.id, { action: 'team.member_add', targetType: 'Team', targetId: team.id, metadata: { userId } });
      await this.em.flush();
      routeWaitingSoon(this.scope.deps, team.workspace.id);
    }
    return team;
  }

  async removeMember(teamId: string, userId: string): Promise<Team> {
    const team = await this.get(teamId, 'teamId');
    assertId(userId, 'userId');
    const removed = await this.em.nativeDelete(TeamMember, { team: team.id, user: userId });
    if (removed) {
      audit(this.scope, team.workspace.id, { action: 'team.member_remove', targetType: 'Team', targetId: team.id, metadata: { userId } });
      await this.em.flush();
    }
    return team;
  }

  /** Active members, in the order they joined. */
  async members(team: Team): Promise<User[]> {
    const rows = await this.em.find(TeamMember, { team: team.id }, { populate: ['user'], orderBy: [{ createdAt: 'asc' }, { user: 'asc' }] });
    return rows.map((r) => r.user.getEntity());
  }

  /** Unresolved conversations in the team's inbox that nobody is assigned to. */
  waiting(team: Team): Promise<number> {
    return this.em.count(Conversation, { team: team.id, assignee: null, status: { $ne: ConversationStatus.RESOLVED } });
  }

  /**
   * Moves a conversation to another team's inbox (null: to none). One that is
   * with a human and unassigned is routed by the new team's policy at once.
   */
  async transfer(conversationId: string, teamId: string | null): Promise<Conversation> {
    const team = teamId ? await this.get(teamId, 'teamId') : null;
    let routing: Routing | undefined;
    const conversation = await new ConversationService(this.scope).applyChange(conversationId, async (c, em) => {
      if ((c.team?.id ?? null) === (team?.id ?? null)) return 'updated';
      c.team = team ? (em.getReference(Team, team.id) as never) : null;
      if (team && c.mode === ConversationMode.HUMAN && !c.assignee && c.status !== ConversationStatus.RESOLVED) {
        routing = await routeHandoff(em, c, this.scope.deps.realtime.presence, this.scope.deps.logger);
        if (routing.assignedId) return 'assigned';
      }
      return 'transferred';
    });
    if (routing) publishRouting(this.scope.deps.pubSub, conversation, routing);
    return conversation;
  }

  /** Active users of the caller's workspace; NOT_FOUND names the first that is not one. */
  private async activeUsers(ids: string[]): Promise<User[]> {
    for (const id of ids) assertId(id, 'userId');
    if (ids.length === 0) return [];
    const users = await this.em.find(User, { id: { $in: ids } });
    const missing = ids.find((id) => !users.some((u) => u.id === id));
    if (missing) throw notFound(`User ${missing}`);
    const inactive = users.find((u) => u.status !== UserStatus.ACTIVE);
    if (inactive) throw conflict(`${inactive.name} is not an active member of the workspace`);
    return users;
  }

  private async write(name: string, apply: (em: Scope['em']) => Promise<Team>): Promise<Team> {
    try {
      return await this.em.transactional(apply);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        if (String(err.message).includes(TEAM_DEFAULT_UNIQUE)) throw conflict('Another team became the default at the same time; try again');
        throw conflict(`A team named "${name}" already exists (team names are compared ignoring case)`);
      }
      throw err;
    }
  }
}
