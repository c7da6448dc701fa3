import { type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { Team } from '../teams/index.js';
import { MutableTenantEntity } from '../workspaces/index.js';

export enum ConversationStatus {
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  RESOLVED = 'RESOLVED',
}
registerEnumType(ConversationStatus, { name: 'ConversationStatus' });

export enum ConversationMode {
  AI = 'AI',
  HUMAN = 'HUMAN',
}
registerEnumType(ConversationMode, {
  name: 'ConversationMode',
  description: 'Who answers the customer: the AI assistant, or a human agent after a handoff.',
});

export enum Channel {
  WEB_WIDGET = 'WEB_WIDGET',
  EMAIL = 'EMAIL',
  API = 'API',
}
registerEnumType(Channel, { name: 'Channel' });

export enum Priority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(Priority, { name: 'Priority' });

/** Why a conversation went to a human. Values are lower-case on the wire, as stored and as reported in analytics. */
export enum HandoffReason {
  missing_knowledge = 'missing_knowledge',
  low_confidence = 'low_confidence',
  customer_request = 'customer_request',
  provider_error = 'provider_error',
  job_failed = 'job_failed',
  unsupported_language = 'unsupported_language',
  policy_restriction = 'policy_restriction',
  ungrounded_answer = 'ungrounded_answer',
  agent_took_over = 'agent_took_over',
  agent_request = 'agent_request',
  other = 'other',
}
registerEnumType(HandoffReason, {
  name: 'HandoffReason',
  description: 'Why a conversation was handed to a human.',
  valuesConfig: {
    missing_knowledge: { description: 'The knowledge base has nothing on the question.' },
    low_confidence: { description: 'The assistant’s confidence was below the model configuration’s threshold.' },
    customer_request: { description: 'The customer asked for a person.' },
    provider_error: { description: 'The model server kept failing.' },
    job_failed: { description: 'The answering job failed for good.' },
    unsupported_language: { description: 'The customer writes a language the workspace does not support, and the knowledge base had no answer in it.' },
    policy_restriction: { description: 'Moderation withheld the assistant’s answer.' },
    ungrounded_answer: { description: 'The grounding check found that the cited knowledge does not support the assistant’s answer (openai provider).' },
    agent_took_over: { description: 'An agent replied while the assistant was in charge.' },
    agent_request: { description: 'An agent handed it over.' },
    other: { description: 'A reason recorded before reasons were a fixed list.' },
  },
});

const HANDOFF_REASONS = new Set<string>(Object.values(HandoffReason));

/** The stored reason as the enum (free-text reasons of older versions read as `other`). */
export const toHandoffReason = (stored: string | null | undefined): HandoffReason | null =>
  stored == null ? null : HANDOFF_REASONS.has(stored) ? (stored as HandoffReason) : HandoffReason.other;

@ObjectType({ description: 'A chat between a contact and the workspace (AI and agents).' })
@Entity()
@TenantScoped()
@Index({
  name: 'conversation_workspace_id_last_message_at_id_index',
  expression: 'create index "conversation_workspace_id_last_message_at_id_index" on "conversation" ("workspace_id", "last_message_at" desc, "id" desc)',
})
@Index({ properties: ['workspace', 'status'] })
@Index({ properties: ['workspace', 'assignee'] })
@Index({ properties: ['workspace', 'team'] })
@Index({ properties: ['workspace', 'createdAt'] })
export class Conversation extends MutableTenantEntity<
  'status' | 'mode' | 'channel' | 'priority' | 'lastSeq' | 'lastMessageAt' | 'hadAgentReply' | 'hadAiReply'
> {
  @ManyToOne(() => Contact, { ref: true, deleteRule: 'cascade' })
  contact!: Ref<Contact>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  assignee?: Ref<User> | null;

  /** The team whose inbox holds it (null: none); handoffs without one go to the workspace's default team. */
  @ManyToOne(() => Team, { ref: true, nullable: true, deleteRule: 'set null' })
  team?: Ref<Team> | null;

  @Field(() => ConversationStatus)
  @Enum(() => ConversationStatus)
  status: ConversationStatus = ConversationStatus.OPEN;

  @Field(() => ConversationMode)
  @Enum(() => ConversationMode)
  mode: ConversationMode = ConversationMode.AI;

  @Field(() => Channel)
  @Enum(() => Channel)
  channel: Channel = Channel.WEB_WIDGET;

  @Field(() => Priority)
  @Enum(() => Priority)
  priority: Priority = Priority.NORMAL;

  @Field(() => String, { nullable: true, description: 'BCP 47 language of the conversation, when known.' })
  @Property({ type: 'string', length: 16, nullable: true })
  language?: string | null;

  /** Exposed as the HandoffReason enum by the resolver. */
  @Property({ type: 'string', length: 40, nullable: true })
  handoffReason?: string | null;

  @Field(() => Int, { description: 'Sequence number of the latest message (0 when empty).' })
  @Property({ type: 'integer' })
  lastSeq: number = 0;

  /** Denormalised pointer to the message with `seq = lastSeq`, so inbox lists load last messages by id. */
  @Property({ type: 'uuid', nullable: true })
  lastMessageId?: string | null;

  @Field()
  @Property({ type: 'timestamptz' })
  lastMessageAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When the first AGENT or AI reply was sent.' })
  @Property({ type: 'timestamptz', nullable: true })
  firstResponseAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;

  // Reply facts for analytics, kept by the `message_reply_facts` trigger on
  // every AGENT or AI message insert (see the analytics rollups migration):
  // the application never writes them after the conversation is created.
  @Property({ type: 'boolean', default: false })
  hadAgentReply = false;

  @Property({ type: 'boolean', default: false })
  hadAiReply = false;

  /** AGENT or AI: who sent the first reply. */
  @Property({ type: 'text', nullable: true })
  firstResponder?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the workspace’s retention policy removed this conversation’s texts (metrics are kept).' })
  @Property({ type: 'timestamptz', nullable: true })
  retentionPurgedAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Customer satisfaction rating, 1 to 5.' })
  @Property({ type: 'smallint', nullable: true })
  csatScore?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  csatComment?: string | null;
}
