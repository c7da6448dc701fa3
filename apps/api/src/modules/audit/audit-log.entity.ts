import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { TenantEntity } from '../workspaces/index.js';

@ObjectType({ description: 'A record of an administrative or partner action.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'createdAt', 'id'] })
export class AuditLog extends TenantEntity {
  @Field({ description: 'USER, API_KEY, CUSTOMER or SYSTEM.' })
  @Property({ length: 20 })
  actorType!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Field({ description: 'What was done, e.g. `faq.publish`.' })
  @Property({ length: 80 })
  action!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  targetType?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  targetId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  metadata?: Record<string, unknown> | null;
}
