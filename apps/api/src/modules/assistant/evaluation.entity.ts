// Offline evaluation: datasets of cases run through a model configuration.
import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { TenantEntity, Workspace } from '../workspaces/index.js';
import { ModelConfig } from './model-config.entity.js';

@ObjectType()
@Entity()
@TenantScoped()
@Unique({ properties: ['workspace', 'name'] })
export class EvaluationDataset extends TenantEntity {
  @Field()
  @Property({ length: 120 })
  name!: string;
}

@ObjectType()
@Entity()
@TenantScoped()
@Index({ properties: ['dataset'] })
export class EvaluationCase {
  [OptionalProps]?: 'id' | 'referenceAnswer';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @ManyToOne(() => EvaluationDataset, { ref: true, deleteRule: 'cascade' })
  dataset!: Ref<EvaluationDataset>;

  @Field()
  @Property({ type: 'text' })
  question!: string;

  @Field(() => [ID], { description: 'FAQs a correct retrieval returns.' })
  @Property({ type: 'text[]' })
  expectedFaqIds!: string[];

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  referenceAnswer?: string | null;
}

export enum EvaluationRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}
registerEnumType(EvaluationRunStatus, { name: 'EvaluationRunStatus' });

export interface RunMetrics {
  cases: number;
  hitRateAt1: number;
  hitRateAtK: number;
  mrr: number;
  answerSimilarity: number | null;
  groundedness: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  promptTokens: number;
  completionTokens: number;
  /** At the configuration's threshold (see tradeoff.ts); absent in runs recorded before these existed. */
  answerRate?: number;
  rightAnswerRate?: number | null;
  outOfScopeCases?: number;
  outOfScopeAnswered?: number | null;
}

@ObjectType()
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'createdAt'] })
export class EvaluationRun extends TenantEntity<'status' | 'done'> {
  @ManyToOne(() => EvaluationDataset, { ref: true, deleteRule: 'cascade' })
  dataset!: Ref<EvaluationDataset>;

  @ManyToOne(() => ModelConfig, { ref: true, deleteRule: 'cascade' })
  modelConfig!: Ref<ModelConfig>;

  @Field(() => EvaluationRunStatus)
  @Enum(() => EvaluationRunStatus)
  status: EvaluationRunStatus = EvaluationRunStatus.QUEUED;

  @Field(() => Int)
  @Property({ type: 'integer' })
  total!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  done: number = 0;

  @Property({ type: 'json', nullable: true })
  metrics?: RunMetrics | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}

@ObjectType()
@Entity()
@TenantScoped()
@Unique({ properties: ['run', 'evaluationCase'] })
export class EvaluationResult {
  [OptionalProps]?: 'id' | 'citedFaqIds';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @ManyToOne(() => EvaluationRun, { ref: true, deleteRule: 'cascade' })
  run!: Ref<EvaluationRun>;

  @ManyToOne(() => EvaluationCase, { ref: true, deleteRule: 'cascade' })
  evaluationCase!: Ref<EvaluationCase>;

  @Field(() => [ID], { description: 'FAQ ids retrieved, best first.' })
  @Property({ type: 'text[]' })
  retrievedFaqIds!: string[];

  @Field()
  @Property({ type: 'text' })
  answer!: string;

  @Field(() => [ID], { description: 'FAQs the answer cites (none when there is no answer).' })
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  citedFaqIds: string[] = [];

  @Field(() => Float)
  @Property({ type: 'real' })
  confidence!: number;

  @Field(() => Float, { description: '1 / rank of the first expected FAQ (0 when missing).' })
  @Property({ type: 'real' })
  reciprocalRank!: number;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'real', nullable: true })
  answerSimilarity?: number | null;

  @Field(() => Float)
  @Property({ type: 'real' })
  groundedness!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  latencyMs!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  promptTokens!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  completionTokens!: number;
}
