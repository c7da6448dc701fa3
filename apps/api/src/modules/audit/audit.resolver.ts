import { IsOptional, IsUUID, Length } from 'class-validator';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from 'type-graphql';
import { ADMIN_ONLY } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { likePrefix } from '../../platform/like.js';
import { ConnectionType, DEFAULT_PAGE_SIZE, ForwardPageArgs, timeIdCursor, toConnection, type Connection } from '../../platform/pagination.js';
import { AuditLog } from './audit-log.entity.js';

@InputType()
class AuditLogFilter {
  @Field({ nullable: true, description: 'Exact action, e.g. `faq.publish`, or a prefix ending in `.`, e.g. `api_key.`.' })
  @IsOptional()
  @Length(1, 80)
  action?: string;

  @Field({ nullable: true, description: 'USER, API_KEY, CUSTOMER or SYSTEM.' })
  @IsOptional()
  @Length(1, 20)
  actorType?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  targetId?: string;
}

const AuditLogConnection = ConnectionType(AuditLog);

@Resolver(() => AuditLog)
export class AuditResolver {
  @Authorized(ADMIN_ONLY)
  @Query(() => AuditLogConnection, { description: 'Who did what, newest first.' })
  async auditLog(
    @Args() page: ForwardPageArgs,
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<AuditLog>> {
    const first = page.first ?? DEFAULT_PAGE_SIZE;
    const where: Record<string, unknown> = {};
    if (filter?.action) where.action = filter.action.endsWith('.') ? { $like: likePrefix(filter.action) } : filter.action;
    if (filter?.actorType) where.actorType = filter.actorType;
    if (filter?.actorId) where.actorId = filter.actorId;
    if (filter?.targetId) where.targetId = filter.targetId;
    if (page.after) {
      const c = timeIdCursor.decode(page.after);
      where.$or = [{ createdAt: { $lt: c.at } }, { createdAt: c.at, id: { $lt: c.id } }];
    }
    const rows = await ctx.em.find(AuditLog, where, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 });
    return toConnection(rows, first, (r) => timeIdCursor.encode(r.createdAt, r.id), Boolean(page.after));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Who acted, as people know them: the staff member’s name or the API key’s name (null for the system, customers and deleted actors).',
  })
  async actorName(@Root() entry: AuditLog, @Ctx() ctx: Context): Promise<string | null> {
    if (!entry.actorId) return null;
    if (entry.actorType === 'USER') return (await ctx.loaders.user.load(entry.actorId))?.name ?? null;
    if (entry.actorType === 'API_KEY') return (await ctx.loaders.apiKey.load(entry.actorId))?.name ?? null;
    return null;
  }
}
