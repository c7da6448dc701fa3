import { Arg, Authorized, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription, registerEnumType, type ResolverData } from 'type-graphql';
import { HeadlineMetrics, metricsFeed } from './metrics-feed.js';
import { workspaceActor } from '../../platform/actor.js';
import { badInput } from '../../platform/errors.js';
import { audit } from '../audit/index.js';
import { signExportLink } from './export.js';
import { scope, STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { Analytics, AnalyticsFilter, DateRangeInput, Granularity } from './analytics.types.js';
import { AnalyticsService } from './analytics.service.js';

export enum ExportFormatEnum {
  CSV = 'CSV',
  JSONL = 'JSONL',
}
registerEnumType(ExportFormatEnum, { name: 'ExportFormat' });

@ObjectType()
class ExportLink {
  @Field({ description: 'GET this URL (no other credentials needed) before it expires; the file streams.' })
  url!: string;

  @Field()
  expiresAt!: Date;
}

@Resolver()
export class AnalyticsResolver {
  @Authorized([...STAFF, scope('analytics:read')])
  @Subscription(() => HeadlineMetrics, {
    description: `Headline numbers at once, then whenever activity changes them (at most every 2 s).`,
    subscribe: ({ args, context }: Omit<ResolverData<Context>, 'root'>) => {
      const windowDays = (args.windowDays as number | undefined) ?? 30;
      if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 365) throw badInput('windowDays must be 1 to 365', 'windowDays');
      return metricsFeed(context, workspaceActor(context.actor).workspaceId, windowDays);
    },
  })
  metricsUpdated(@Root() metrics: HeadlineMetrics, @Arg('windowDays', () => Int, { defaultValue: 30 }) _windowDays: number): HeadlineMetrics {
    return metrics;
  }

  @Authorized([...STAFF, scope('analytics:read')])
  @Mutation(() => ExportLink, {
    description: 'One row per conversation created in the range with its metrics (times, counts, handoff, CSAT, tokens). Audited.',
  })
  async exportConversations(
    @Arg('range', () => DateRangeInput) range: DateRangeInput,
    @Arg('format', () => ExportFormatEnum, { defaultValue: ExportFormatEnum.CSV }) format: ExportFormatEnum,
    @Ctx() ctx: Context,
  ): Promise<ExportLink> {
    if (!(range.to > range.from)) throw badInput('range.to must be after range.from', 'range');
    const { workspaceId } = workspaceActor(ctx.actor);
    const { token, expiresAt } = await signExportLink(ctx.deps.config.jwtSecret, {
      wid: workspaceId,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      format,
    });
    audit(ctx, workspaceId, { action: 'conversations.export', metadata: { from: range.from.toISOString(), to: range.to.toISOString(), format } });
    await ctx.em.flush();
    return { url: `/exports/conversations?token=${encodeURIComponent(token)}`, expiresAt };
  }

  @Authorized([...STAFF, scope('analytics:read')])
  @Query(() => Analytics, { description: 'Support metrics for a date range; see each field for its definition.' })
  analytics(
    @Arg('range', () => DateRangeInput) range: DateRangeInput,
    @Arg('granularity', () => Granularity, { defaultValue: Granularity.DAY }) granularity: Granularity,
    @Arg('filter', () => AnalyticsFilter, { nullable: true }) filter: AnalyticsFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Analytics> {
    return new AnalyticsService(ctx).overview(range, granularity, filter);
  }
}
