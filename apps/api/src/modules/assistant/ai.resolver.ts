import { IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type ResolverData,
} from 'type-graphql';
import { ADMIN_ONLY, scope, STAFF } from '../../platform/auth-checker.js';
import { staff } from '../../platform/actor.js';
import type { Context } from '../../platform/context.js';
import type { EvaluationProgressPayload } from '../../platform/topics.js';
import { Message } from '../conversations/index.js';
import { AiService } from './ai.service.js';
import {
  Citation,
  EvaluationMetrics,
  EvaluationProgress,
  KnowledgeHit,
  MessageAnalysis,
  MessageModeration,
  SuggestedReply,
  ThresholdTradeoff,
} from './ai.types.js';
import { EvaluationDataset, EvaluationRun, EvaluationRunStatus } from './evaluation.entity.js';
import { EvaluationService } from './evaluation.service.js';
import { ModelConfig } from './model-config.entity.js';
import { CreateModelConfigInput, SetTrafficSplitInput } from './model-config.inputs.js';
import { ModelConfigService } from './model-config.service.js';
import { IntentModel } from './intent-model.entity.js';
import { IntentService } from './intent.service.js';

const isFinished = (status: string) => status === EvaluationRunStatus.COMPLETED || status === EvaluationRunStatus.FAILED;

@ArgsType()
class SearchKnowledgeArgs {
  @Field()
  @Length(1, 500)
  query!: string;

  @Field(() => Int, { nullable: true, defaultValue: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  limit: number = 5;
}

@Resolver()
export class AiResolver {
  @Authorized([...STAFF, scope('knowledge:read')])
  @Query(() => [KnowledgeHit], { description: 'Hybrid (vector + full-text) search over published FAQs.' })
  searchKnowledge(@Args() { query, limit }: SearchKnowledgeArgs, @Ctx() ctx: Context): Promise<KnowledgeHit[]> {
    return new AiService(ctx).search(query, limit);
  }

  @Authorized(STAFF)
  @Mutation(() => SuggestedReply, { description: 'Drafts a reply to the latest customer message, with citations. Nothing is sent.' })
  suggestReply(@Arg('conversationId', () => ID) conversationId: string, @Ctx() ctx: Context): Promise<SuggestedReply> {
    return new AiService(ctx).suggest(conversationId);
  }

  @Authorized(STAFF)
  @Query(() => [ModelConfig], { description: 'Every version, oldest first.' })
  modelConfigs(@Ctx() ctx: Context): Promise<ModelConfig[]> {
    return new ModelConfigService(ctx).list();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => ModelConfig, { description: 'Adds a new version (inactive until activated).' })
  createModelConfig(@Arg('input') input: CreateModelConfigInput, @Ctx() ctx: Context): Promise<ModelConfig> {
    return new ModelConfigService(ctx).create(input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => ModelConfig, { description: 'Makes this version the only active one (promotion or rollback) and ends any A/B split.' })
  activateModelConfig(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ModelConfig> {
    return new ModelConfigService(ctx).activate(id);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => [ModelConfig], { description: 'Splits AI answers across versions (A/B); each AI message records which version answered.' })
  setModelTrafficSplit(@Arg('input') input: SetTrafficSplitInput, @Ctx() ctx: Context): Promise<ModelConfig[]> {
    return new ModelConfigService(ctx).setTrafficSplit(input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => EvaluationDataset, {
    description: 'Imports cases from JSON: `{"cases": [{"question": "…", "expectedFaqIds": ["…"], "referenceAnswer": "…"}]}`.',
  })
  importEvaluationDataset(@Arg('name') name: string, @Arg('json') json: string, @Ctx() ctx: Context): Promise<EvaluationDataset> {
    return new EvaluationService(ctx).importDataset(name, json);
  }

  @Authorized(STAFF)
  @Query(() => [EvaluationDataset])
  evaluationDatasets(@Ctx() ctx: Context): Promise<EvaluationDataset[]> {
    return new EvaluationService(ctx).datasets();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => EvaluationRun, { description: 'Queues a run of every case through the configuration.' })
  startEvaluationRun(
    @Arg('datasetId', () => ID) datasetId: string,
    @Arg('modelConfigId', () => ID) modelConfigId: string,
    @Ctx() ctx: Context,
  ): Promise<EvaluationRun> {
    return new EvaluationService(ctx).startRun(datasetId, modelConfigId);
  }

  @Authorized(STAFF)
  @Query(() => EvaluationRun)
  evaluationRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<EvaluationRun> {
    return new EvaluationService(ctx).run(id);
  }

  @Authorized(STAFF)
  @Query(() => [EvaluationRun], { description: 'The latest 100 runs.' })
  evaluationRuns(@Ctx() ctx: Context): Promise<EvaluationRun[]> {
    return new EvaluationService(ctx).runs();
  }

  @Authorized(STAFF)
  @Query(() => IntentModel, { nullable: true, description: "The workspace's trained intent taxonomy (null: the built-in labels are used)." })
  intentModel(@Ctx() ctx: Context): Promise<IntentModel | null> {
    return new IntentService(ctx).model();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => IntentModel, {
    description:
      'Trains the workspace intent taxonomy from labelled examples: CSV with a header row and the columns text and label (BANKING77 train.csv works as it is). Replaces the previous one; message analysis uses it from then on.',
  })
  importIntentExamples(@Arg('csv') csv: string, @Ctx() ctx: Context): Promise<IntentModel> {
    return new IntentService(ctx).importExamples(csv);
  }

  @Authorized(STAFF)
  @Query(() => ThresholdTradeoff, {
    nullable: true,
    description:
      'What each confidence threshold would do for this configuration, from its latest completed evaluation run (null before one). Include out-of-scope cases (expectedFaqIds: []) in the dataset to see how many would be answered anyway.',
  })
  modelConfigThresholdTradeoff(@Arg('modelConfigId', () => ID) modelConfigId: string, @Ctx() ctx: Context): Promise<ThresholdTradeoff | null> {
    return new EvaluationService(ctx).thresholdTradeoff(modelConfigId);
  }

  @Authorized(STAFF)
  @Query(() => [EvaluationRun], { description: 'Runs side by side (in the order given), for comparing configurations.' })
  compareEvaluationRuns(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<EvaluationRun[]> {
    return new EvaluationService(ctx).compare(ids);
  }

  @Authorized(STAFF)
  @Subscription(() => EvaluationProgress, {
    description: 'Progress of a run: its current state first, then every change until it completes or fails (then the subscription ends).',
    subscribe: async ({ args, context }: Omit<ResolverData<Context>, 'root'>) => {
      staff(context.actor);
      const service = new EvaluationService(context);
      const first = await service.run(args.runId as string); // NOT_FOUND (or another tenant's run) before subscribing
      // Listen first, then read the state: a change in between arrives live and nothing is missed.
      const live = context.deps.pubSub.subscribe('evaluation', first.id)[Symbol.asyncIterator]();
      await context.deps.subscribed(`evaluation:${first.id}`);
      context.em.clear();
      const run = await service.run(first.id);
      const snapshot: EvaluationProgressPayload = { workspaceId: run.workspace.id, runId: run.id, status: run.status, done: run.done, total: run.total };
      return (async function* () {
        try {
          yield snapshot;
          if (isFinished(snapshot.status)) return;
          for (;;) {
            const next = await live.next();
            if (next.done) return;
            if (next.value.done < snapshot.done && !isFinished(next.value.status)) continue; // older than the snapshot
            yield next.value;
            if (isFinished(next.value.status)) return;
          }
        } finally {
          await live.return?.();
        }
      })();
    },
  })
  evaluationRunProgress(@Root() p: EvaluationProgressPayload, @Arg('runId', () => ID) _runId: string): EvaluationProgress {
    return { runId: p.runId, status: p.status, done: p.done, total: p.total };
  }
}

@Resolver(() => EvaluationRun)
export class EvaluationRunResolver {
  @FieldResolver(() => EvaluationMetrics, { nullable: true, description: 'Set when the run completes.' })
  metrics(@Root() run: Readonly<EvaluationRun>): EvaluationMetrics | null {
    return run.metrics ?? null;
  }

  @FieldResolver(() => EvaluationDataset)
  dataset(@Root() run: Readonly<EvaluationRun>, @Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(EvaluationDataset, { id: run.dataset.id });
  }

  @FieldResolver(() => ModelConfig)
  modelConfig(@Root() run: Readonly<EvaluationRun>, @Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(ModelConfig, { id: run.modelConfig.id });
  }
}

@Resolver(() => Message)
export class MessageAiResolver {
  @FieldResolver(() => [Citation], { description: 'For AI replies: the FAQs the answer is based on.' })
  async citations(@Root() message: Readonly<Message>, @Ctx() ctx: Context): Promise<Citation[]> {
    const cited = message.citations ?? [];
    const faqs = await Promise.all(cited.map((c) => ctx.loaders.faq.load(c.faqId)));
    return cited.map((c, i) => ({ faq: faqs[i] ?? null, score: c.score }));
  }

  @FieldResolver(() => MessageAnalysis, { nullable: true, description: 'Customer messages: intent, sentiment, language (filled in shortly after sending).' })
  analysis(@Root() message: Readonly<Message>, @Ctx() ctx: Context): MessageAnalysis | null {
    return ctx.actor.kind === 'user' ? (message.analysis ?? null) : null;
  }

  @FieldResolver(() => MessageModeration, {
    nullable: true,
    description: 'Customer messages, when the workspace moderates: the content-policy check (staff only; null for customers and API keys).',
  })
  moderation(@Root() message: Readonly<Message>, @Ctx() ctx: Context): MessageModeration | null {
    return ctx.actor.kind === 'user' ? (message.moderation ?? null) : null;
  }
}
