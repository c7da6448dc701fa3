import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { ADMIN_ONLY } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { badInput, notFound } from '../../platform/errors.js';
import { audit } from '../audit/index.js';
import { Workspace } from './workspace.entity.js';

export const MAX_RETENTION_DAYS = 3650;
export const MAX_LANGUAGES = 20;

@InputType({ description: 'Only the fields given change.' })
export class WorkspaceSettingsInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => Int, { nullable: true, description: `Days (1–${MAX_RETENTION_DAYS}) to keep resolved conversations’ texts; null keeps them forever.` })
  retentionDays?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Moderate customer messages and AI answers.' })
  moderationEnabled?: boolean;

  @Field(() => [String], { nullable: true, description: `Supported languages, ISO 639-1 codes (1–${MAX_LANGUAGES}); the first is the knowledge base’s.` })
  supportedLanguages?: string[];
}

@Resolver()
export class WorkspaceResolver {
  @Authorized(ADMIN_ONLY)
  @Mutation(() => Workspace, { description: 'Changes the workspace’s name, data-retention period, moderation switch or supported languages. Audited.' })
  async updateWorkspaceSettings(@Arg('input', () => WorkspaceSettingsInput) input: WorkspaceSettingsInput, @Ctx() ctx: Context): Promise<Workspace> {
    const me = staff(ctx.actor);
    const name = input.name?.trim();
    if (input.name !== undefined && (input.name === null || !name || name.length > 120)) throw badInput('name must be 1 to 120 characters', 'name');
    const days = input.retentionDays;
    if (days !== undefined && days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)) {
      throw badInput(`retentionDays must be between 1 and ${MAX_RETENTION_DAYS}, or null`, 'retentionDays');
    }
    if (input.moderationEnabled === null) throw badInput('moderationEnabled cannot be null', 'moderationEnabled');
    let languages: string[] | undefined;
    if (input.supportedLanguages !== undefined) {
      languages = [...new Set((input.supportedLanguages ?? []).map((l) => l.trim().toLowerCase()))];
      if (!languages.length || languages.length > MAX_LANGUAGES || languages.some((l) => !/^[a-z]{2}$/.test(l))) {
        throw badInput(`supportedLanguages must be 1 to ${MAX_LANGUAGES} ISO 639-1 codes (two letters, e.g. "en")`, 'supportedLanguages');
      }
    }
    const workspace = await ctx.em.findOne(Workspace, { id: me.workspaceId });
    if (!workspace) throw notFound('Workspace');
    const settings = (w: Workspace) => ({
      name: w.name,
      retentionDays: w.retentionDays ?? null,
      moderationEnabled: w.moderationEnabled,
      supportedLanguages: [...w.supportedLanguages],
    });
    const before = settings(workspace);
    if (name) workspace.name = name;
    if (days !== undefined) workspace.retentionDays = days;
    if (input.moderationEnabled !== undefined) workspace.moderationEnabled = input.moderationEnabled;
    if (languages) workspace.supportedLanguages = languages;
    audit(ctx, me.workspaceId, {
      action: 'workspace.settings',
      targetType: 'Workspace',
      targetId: workspace.id,
      metadata: { before, after: settings(workspace) },
    });
    await ctx.em.flush();
    return workspace;
  }
}
