import { IsIn, IsOptional } from 'class-validator';
import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Mutation, Query, Resolver, Root, Subscription, type ResolverData } from 'type-graphql';
import { ADMIN_ONLY } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { ConnectionType, ForwardPageArgs, type Connection } from '../../platform/pagination.js';
import { pushSource } from '../../platform/push-source.js';
import { topicHub } from '../../platform/topic-hub.js';
import type { AlertPayload } from '../../platform/topics.js';
import { Alert, AlertStatus } from './alert.entity.js';
import { rules } from './alert.rules.js';
import { AlertService, SYSTEM_SCOPE } from './alert.service.js';

@InputType()
class AlertFilter {
  @Field(() => AlertStatus, { nullable: true })
  @IsOptional()
  status?: AlertStatus;

  @Field({ nullable: true, description: 'A rule name, e.g. `queue_backlog`.' })
  @IsOptional()
  @IsIn(rules.map((r) => r.name))
  rule?: string;
}

const AlertConnection = ConnectionType(Alert);

@Resolver(() => Alert)
export class AlertResolver {
  @Authorized(ADMIN_ONLY)
  @Query(() => AlertConnection, { description: 'Alerts of your workspace and of the whole installation, newest first. Admins only.' })
  alerts(
    @Args() page: ForwardPageArgs,
    @Arg('filter', () => AlertFilter, { nullable: true }) filter: AlertFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Alert>> {
    return new AlertService(ctx).list(filter, page.first ?? undefined, page.after ?? undefined);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Alert, { description: 'Marks a firing alert as being handled, with an optional note (audited).' })
  acknowledgeAlert(
    @Arg('id', () => ID) id: string,
    @Arg('note', () => String, { nullable: true }) note: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<Alert> {
    return new AlertService(ctx).acknowledge(id, note);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Alert, { description: 'Closes an alert (audited). If its condition persists, the next evaluation raises a new one.' })
  resolveAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Alert> {
    return new AlertService(ctx).resolve(id);
  }

  @Authorized(ADMIN_ONLY)
  @Subscription(() => Alert, {
    description: 'Alerts as they are raised, for your workspace and the whole installation. Admins only.',
    subscribe: ({ context }: Omit<ResolverData<Context>, 'root'>) => {
      const { actor } = context;
      if (actor.kind !== 'user' || actor.role !== 'ADMIN') throw forbidden('Admins only');
      const hub = topicHub(context.deps.pubSub);
      return pushSource<AlertPayload>((sink) => {
        const stops = [actor.workspaceId, SYSTEM_SCOPE].map((id) =>
          hub.listen(
            'alert',
            id,
            (p) => sink.next(p),
            (err) => sink.error(err),
          ),
        );
        return () => stops.forEach((stop) => stop());
      });
    },
  })
  async alertRaised(@Root() event: AlertPayload, @Ctx() ctx: Context): Promise<Alert> {
    const alert = await new AlertService(ctx).byId(event.alertId);
    if (!alert) throw notFound('Alert');
    return alert;
  }
}
