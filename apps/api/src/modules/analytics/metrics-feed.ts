// metricsUpdated: the overview's headline numbers for a rolling window,
// recomputed at most once per debounce interval after activity in the
// workspace, and pushed only when they changed.
import { Repeater } from '@repeaterjs/repeater';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Context } from '../../platform/context.js';
import { createContext } from '../../platform/context.js';
import { AnalyticsService } from './analytics.service.js';
import { Granularity } from './analytics.types.js';

export const METRICS_DEBOUNCE_MS = 2000;

@ObjectType({ description: 'Headline metrics over the last `windowDays` days (definitions as on `Analytics`).' })
export class HeadlineMetrics {
  @Field(() => Int)
  windowDays!: number;

  @Field(() => Int)
  conversationsCreated!: number;

  @Field(() => Float, { nullable: true })
  firstResponseMedianSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  resolutionRate!: number | null;

  @Field(() => Float, { nullable: true })
  automatedResolutionRate!: number | null;

  @Field(() => Float, { nullable: true })
  handoffRate!: number | null;

  @Field(() => Float, { nullable: true })
  csatScore!: number | null;

  @Field()
  at!: Date;
}

async function headline(ctx: Context, windowDays: number): Promise<HeadlineMetrics> {
  // A fresh request scope per computation: the subscription's own lives for hours.
  const scope = createContext(ctx.deps, ctx.actor, ctx.requestId);
  const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
  const a = await new AnalyticsService(scope).overview({ from: new Date(to.getTime() - windowDays * 86400_000), to }, Granularity.WEEK);
  return {
    windowDays,
    conversationsCreated: a.conversationsCreated,
    firstResponseMedianSeconds: a.firstResponseTime.medianSeconds,
    resolutionRate: a.resolutionRate,
    automatedResolutionRate: a.automatedResolutionRate,
    handoffRate: a.handoffRate,
    csatScore: a.csat.score,
    at: new Date(),
  };
}

export function metricsFeed(ctx: Context, workspaceId: string, windowDays: number): Repeater<HeadlineMetrics> {
  return new Repeater<HeadlineMetrics>(async (push, stop) => {
    let last = '';
    let timer: NodeJS.Timeout | undefined;
    const emit = async () => {
      const m = await headline(ctx, windowDays);
      const { at: _at, ...numbers } = m;
      const signature = JSON.stringify(numbers);
      if (signature !== last) {
        last = signature;
        await push(m);
      }
    };
    const activity = ctx.deps.pubSub.subscribe('inbox', workspaceId)[Symbol.asyncIterator]();
    const ended = stop.then(() => ({ done: true as const, value: undefined }));
    try {
      await emit();
      for (;;) {
        const next = await Promise.race([activity.next(), ended]);
        if (next.done) break;
        timer ??= setTimeout(() => {
          timer = undefined;
          emit().catch((err) => stop(err));
        }, METRICS_DEBOUNCE_MS);
      }
    } finally {
      clearTimeout(timer);
      await activity.return?.();
    }
  });
}
