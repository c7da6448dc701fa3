import { OptionalProps } from '@mikro-orm/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { Entity, Filter, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { WORKSPACE_FILTER } from '../../platform/tenant.js';

export const newWidgetKey = () => `wk_${randomBytes(16).toString('base64url')}`;

@ObjectType({ description: 'A tenant: one support team with its own data.' })
@Entity()
@Filter({ name: WORKSPACE_FILTER, cond: (args) => ({ id: args.id }), default: true })
export class Workspace {
  [OptionalProps]?: 'id' | 'widgetKey' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field()
  @Property({ length: 120 })
  name!: string;

  @Field({ description: 'Public key that identifies this workspace to the customer chat widget.' })
  @Property({ unique: true, length: 64 })
  widgetKey: string = newWidgetKey();

  @Field(() => Int, {
    nullable: true,
    description:
      'Data retention in days: once a resolved conversation has been quiet this long, a scheduled job removes its message texts, comments and ' +
      'ticket descriptions, and the contact’s name and email when none of their conversations is left; metrics stay. Null keeps everything.',
  })
  @Property({ type: 'integer', nullable: true })
  retentionDays?: number | null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
