import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { BayesIntentModelJson } from '@switchboard/ai';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { Workspace } from '../workspaces/index.js';

/**
 * A workspace's own intent taxonomy, trained from labelled examples. Without
 * one, messages are labelled with the built-in taxonomy.
 */
@ObjectType({ description: "The workspace's intent taxonomy, trained from labelled examples (replaces the built-in labels)." })
@Entity()
@TenantScoped()
export class IntentModel {
  [OptionalProps]?: 'id' | 'trainedAt' | 'heldOutAccuracy';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade', unique: true })
  workspace!: Ref<Workspace>;

  @Field(() => [String])
  @Property({ type: 'text[]' })
  labels!: string[];

  @Field(() => Int, { description: 'Labelled examples it was trained on.' })
  @Property({ type: 'integer' })
  examples!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of held-out examples (every fifth) labelled right by a model trained on the others; null with fewer than 20 examples.',
  })
  @Property({ type: 'real', nullable: true })
  heldOutAccuracy?: number | null;

  /** The classifier (BayesIntentClassifier.toJSON()). */
  @Property({ type: 'json', lazy: true, hidden: true })
  model!: BayesIntentModelJson;

  @Field()
  @Property({ type: 'timestamptz' })
  trainedAt: Date = new Date();
}
