import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription, type ResolverData } from 'type-graphql';
import { ADMIN_ONLY } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { forbidden } from '../../platform/errors.js';
import { SystemStatus } from './system-status.js';
import { JobFailure } from './job-failure.entity.js';
import { JobsService } from './jobs.service.js';

@Resolver()
export class SystemResolver {
  @Authorized(ADMIN_ONLY)
  @Query(() => SystemStatus)
  systemStatus(@Ctx() ctx: Context): Promise<SystemStatus> {
    return ctx.deps.system.snapshot();
  }

  @Authorized(ADMIN_ONLY)
  @Subscription(() => SystemStatus, {
    name: 'systemStatus',
    description: 'Published at once, on every change, and at least every 5 s. Admins only.',
    subscribe: ({ context }: Omit<ResolverData<Context>, 'root'>) => {
      const { actor } = context;
      if (actor.kind !== 'user' || actor.role !== 'ADMIN') throw forbidden('Admins only');
      return context.deps.system.stream();
    },
  })
  systemStatusFeed(@Root() status: SystemStatus): SystemStatus {
    return status;
  }

  @Authorized(ADMIN_ONLY)
  @Query(() => [JobFailure], { description: 'Background jobs that failed after all attempts and were not retried (latest 200).' })
  failedJobs(@Ctx() ctx: Context): Promise<JobFailure[]> {
    return new JobsService(ctx).failed();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => JobFailure, { description: 'Queues the failed job again.' })
  retryFailedJob(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<JobFailure> {
    return new JobsService(ctx).retry(id);
  }
}
