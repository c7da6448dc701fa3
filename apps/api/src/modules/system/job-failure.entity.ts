import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { Workspace } from '../workspaces/index.js';

@ObjectType({ description: 'A background job that failed after all its attempts.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'failedAt'] })
export class JobFailure {
  [OptionalProps]?: 'id' | 'failedAt' | 'retriedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, nullable: true, deleteRule: 'cascade' })
  workspace?: Ref<Workspace> | null;

  @Field()
  @Property({ length: 40 })
  queue!: string;

  @Field({ description: 'Job name, e.g. `ai.answer`.' })
  @Property({ length: 60 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  jobId?: string | null;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Field()
  @Property({ type: 'text' })
  error!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  attempts!: number;

  @Field()
  @Property({ type: 'timestamptz' })
  failedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  retriedAt?: Date | null;
}
