import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { ADMIN_ONLY } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { badInput, notFound } from '../../platform/errors.js';
import { audit } from '../audit/audit.service.js';
import { Workspace } from './workspace.entity.js';

export const MAX_RETENTION_DAYS = 3650;

@InputType({ description: 'Only the fields given change.' })
export class WorkspaceSettingsInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => Int, { nullable: true, description: `Days (1–${MAX_RETENTION_DAYS}) to keep resolved conversations’ texts; null keeps them forever.` })
  retentionDays?: number | null;
}

@Resolver()
export class WorkspaceResolver {
  @Authorized(ADMIN_ONLY)
  @Mutation(() => Workspace, { description: 'Changes the workspace’s name or data-retention period. Audited.' })
  async updateWorkspaceSettings(@Arg('input', () => WorkspaceSettingsInput) input: WorkspaceSettingsInput, @Ctx() ctx: Context): Promise<Workspace> {
    const me = staff(ctx.actor);
    const name = input.name?.trim();
    if (input.name !== undefined && (input.name === null || !name || name.length > 120)) throw badInput('name must be 1 to 120 characters', 'name');
    const days = input.retentionDays;
    if (days !== undefined && days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)) {
      throw badInput(`retentionDays must be between 1 and ${MAX_RETENTION_DAYS}, or null`, 'retentionDays');
    }
    const workspace = await ctx.em.findOne(Workspace, { id: me.workspaceId });
    if (!workspace) throw notFound('Workspace');
    const before = { name: workspace.name, retentionDays: workspace.retentionDays ?? null };
    if (name) workspace.name = name;
    if (days !== undefined) workspace.retentionDays = days;
    audit(ctx, me.workspaceId, {
      action: 'workspace.settings',
      targetType: 'Workspace',
      targetId: workspace.id,
      metadata: { before, after: { name: workspace.name, retentionDays: workspace.retentionDays ?? null } },
    });
    await ctx.em.flush();
    return workspace;
  }
}
