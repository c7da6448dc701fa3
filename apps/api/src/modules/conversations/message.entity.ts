import { type Ref } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from '../auth/index.js';
import { Conversation } from './conversation.entity.js';
import { TenantEntity } from '../workspaces/index.js';

export enum AuthorType {
  CUSTOMER = 'CUSTOMER',
  AGENT = 'AGENT',
  AI = 'AI',
  SYSTEM = 'SYSTEM',
}
registerEnumType(AuthorType, { name: 'AuthorType' });

export enum MessageKind {
  /** Part of the conversation with the customer. */
  MESSAGE = 'MESSAGE',
  /** A private note: staff only, never shown to the customer or the assistant. */
  NOTE = 'NOTE',
}
registerEnumType(MessageKind, { name: 'MessageKind' });

export const MAX_MESSAGE_LENGTH = 10_000;
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

export interface StoredCitation {
  faqId: string;
  score: number;
}

export interface StoredAnalysis {
  intent: string;
  sentiment: number;
  sentimentLabel: 'NEGATIVE' | 'NEUTRAL' | 'POSITIVE';
  language: string;
  wantsHuman: boolean;
}

export interface StoredModeration {
  flagged: boolean;
  categories: string[];
  pii: string[];
  source: 'local' | 'openai';
}

@ObjectType({ description: 'One message of a conversation.' })
@Entity()
@TenantScoped()
@Unique({ properties: ['conversation', 'seq'] })
@Unique({ properties: ['conversation', 'clientMessageId'] })
// One AI reply per customer message, however often the answering job runs.
@Unique({ properties: ['conversation', 'replyToSeq'] })
export class Message extends TenantEntity<'kind'> {
  @ManyToOne(() => Conversation, { ref: true, deleteRule: 'cascade' })
  conversation!: Ref<Conversation>;

  @Field(() => Int, {
    description: 'Gap-free, per-conversation position (1, 2, 3, …); resume a feed after the last one you have.',
  })
  @Property({ type: 'integer' })
  seq!: number;

  @Field(() => AuthorType)
  @Enum(() => AuthorType)
  authorType!: AuthorType;

  @Field(() => MessageKind, { description: 'NOTE: a private note between staff (customers never see notes).' })
  @Enum({ items: () => MessageKind, default: MessageKind.MESSAGE })
  kind: MessageKind = MessageKind.MESSAGE;

  /** Notes: the ids of the users it @mentions. */
  @Property({ type: 'json', nullable: true })
  mentions?: string[] | null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  authorUser?: Ref<User> | null;

  @Field()
  @Property({ type: 'text' })
  body!: string;

  @Field(() => String, { nullable: true, description: 'Client-chosen id that makes retries idempotent.' })
  @Property({ type: 'string', length: 100, nullable: true })
  clientMessageId?: string | null;

  /** For AI replies: the seq of the customer message answered. */
  @Field(() => Int, { nullable: true, description: 'For AI replies: the customer message (seq) this answers.' })
  @Property({ type: 'integer', nullable: true })
  replyToSeq?: number | null;

  @Property({ type: 'json', nullable: true })
  citations?: StoredCitation[] | null;

  @Field(() => Float, { nullable: true, description: 'For AI replies: 0..1, how well the knowledge base supports the answer.' })
  @Property({ type: 'real', nullable: true })
  confidence?: number | null;

  @Field(() => ID, { nullable: true, description: 'For AI replies: the model configuration that answered.' })
  @Property({ type: 'uuid', nullable: true })
  modelConfigId?: string | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  promptTokens?: number | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  completionTokens?: number | null;

  @Field(() => Int, { nullable: true, description: 'For AI replies: generation time in ms.' })
  @Property({ type: 'integer', nullable: true })
  latencyMs?: number | null;

  /** Intent, sentiment, language and "wants a human" of a customer message (set by the ai.analyze job). */
  @Property({ type: 'json', nullable: true })
  analysis?: StoredAnalysis | null;

  /** The content-policy check of a customer message, when the workspace moderates. */
  @Property({ type: 'json', nullable: true })
  moderation?: StoredModeration | null;
}
