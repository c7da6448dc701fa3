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
  [OptionalProps]?: 'id' | 'widgetKey' | 'createdAt' | 'moderationEnabled' | 'supportedLanguages';

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

  @Field({
    description:
      'Check customer messages and AI answers against the content policy: flagged customer messages are marked for agents ' +
      '(Message.moderation), a flagged AI answer is withheld and the conversation handed off (policy_restriction).',
  })
  @Property({ type: 'boolean', default: true })
  moderationEnabled: boolean = true;

  @Field(() => [String], {
    description:
      'Languages (ISO 639-1) the team supports; the first is the knowledge base’s. Customers writing another language get answers through ' +
      'translation with the openai provider, and are handed off (unsupported_language) with the local one.',
  })
  @Property({ type: 'text[]', defaultRaw: `'{en}'` })
  supportedLanguages: string[] = ['en'];

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
