// The analytics API's shapes. Each metric's definition is its description in the SDL.
import { TicketSlaStats } from '../tickets/index.js';
import { ArrayMaxSize, IsDate, IsEnum, IsOptional, IsUUID, MaxDate, MinDate } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/index.js';
import { Channel, ConversationMode } from '../conversations/index.js';

export enum Granularity {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
}
registerEnumType(Granularity, { name: 'Granularity', description: 'Timeseries bucket size (UTC).' });

/** Dates outside these are typos, not ranges (and outside what the database's date arithmetic takes). */
const EARLIEST = new Date('2000-01-01T00:00:00Z');
const LATEST = new Date('2100-01-01T00:00:00Z');

@InputType()
export class DateRangeInput {
  @Field({ description: 'Inclusive start (from 2000 on).' })
  @IsDate()
  @MinDate(EARLIEST, { message: 'from must be in the year 2000 or later' })
  @MaxDate(LATEST, { message: 'from must be before the year 2100' })
  from!: Date;

  @Field({ description: 'Exclusive end (before 2100).' })
  @IsDate()
  @MinDate(EARLIEST, { message: 'to must be in the year 2000 or later' })
  @MaxDate(LATEST, { message: 'to must be before the year 2100' })
  to!: Date;
}

@InputType({
  description:
    'Narrows the conversation figures to conversations created in the range that match every given value now, and messagesByAuthorType to the messages of conversations that match now (whatever they matched when the message was sent). Ticket figures, aiUsage and the timeseries’ aiAnswers are the whole workspace’s.',
})
export class AnalyticsFilter {
  @Field(() => Channel, { nullable: true, description: 'The conversation’s current channel.' })
  @IsOptional()
  @IsEnum(Channel)
  channel?: Channel;

  @Field(() => ID, { nullable: true, description: 'The conversation’s current assignee (an agent of another workspace matches nothing).' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @Field(() => ConversationMode, { nullable: true, description: 'The conversation’s current mode.' })
  @IsOptional()
  @IsEnum(ConversationMode)
  mode?: ConversationMode;

  @Field(() => [ID], { nullable: true, description: 'Only conversations carrying every one of these labels (at most 10).' })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  labelIds?: string[];
}

@ObjectType({ description: 'Summary of a duration over the conversations it applies to; null when there are none.' })
export class DurationStats {
  @Field(() => Int, { description: 'How many conversations the figures cover.' })
  count!: number;

  @Field(() => Float, { nullable: true })
  avgSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: '50th percentile (continuous).' })
  medianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: '90th percentile (continuous).' })
  p90Seconds!: number | null;
}

@ObjectType()
export class Csat {
  @Field(() => Float, { nullable: true, description: 'Positive ratings (4–5) ÷ all ratings × 100; null without ratings.' })
  score!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Resolved conversations that were rated ÷ resolved conversations (0 to 1); null when none were resolved.',
  })
  responseRate!: number | null;

  @Field(() => Int)
  ratings!: number;
}

@ObjectType()
export class LabelCount {
  @Field()
  label!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class BacklogCount {
  @Field()
  status!: string;

  @Field()
  priority!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class AgentPerformance {
  @Field(() => User, { nullable: true })
  agent!: User | null;

  @Field(() => Int, { description: 'Conversations in range assigned to the agent.' })
  handled!: number;

  @Field(() => Float, { nullable: true, description: 'Median first response time of those conversations, in seconds.' })
  firstResponseMedianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median resolution time of those conversations, in seconds.' })
  resolutionMedianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'CSAT score (positive ÷ ratings × 100) of those conversations.' })
  csatScore!: number | null;
}

@ObjectType()
export class AiUsage {
  @Field(() => ID, { nullable: true })
  modelConfigId!: string | null;

  @Field(() => Int, { description: 'AI replies sent in range.' })
  answers!: number;

  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Float, { nullable: true })
  avgLatencyMs!: number | null;
}

@ObjectType()
export class AnalyticsBucket {
  @Field({ description: 'Bucket start (UTC).' })
  start!: Date;

  @Field(() => Int)
  conversationsCreated!: number;

  @Field(() => Int, { description: 'Conversations created in the bucket and resolved by now.' })
  resolved!: number;

  @Field(() => Int, { description: 'Conversations created in the bucket and handed to a human by the AI or the customer.' })
  handedOff!: number;

  @Field(() => Float, { nullable: true })
  firstResponseMedianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median time to resolution of the bucket’s conversations resolved by now.' })
  resolutionMedianSeconds!: number | null;

  @Field(() => Int, { description: 'Conversations created in the bucket that the AI answered.' })
  aiHandled!: number;

  @Field(() => Int, { description: 'Of those, resolved with no agent reply (automated resolutions; over aiHandled, the automated resolution rate).' })
  resolvedByAi!: number;

  @Field(() => Float, { nullable: true })
  csatScore!: number | null;

  @Field(() => Int)
  aiAnswers!: number;
}

@ObjectType({ description: 'Support metrics over conversations created in the range (unless a field says otherwise).' })
export class Analytics {
  @Field(() => Int, { description: 'Conversations created in the range.' })
  conversationsCreated!: number;

  @Field(() => [LabelCount], {
    description:
      'Messages sent in the range, by author type (CUSTOMER, AGENT, AI, SYSTEM); with a filter, those of the conversations that match it now. Private notes are not counted.',
  })
  messagesByAuthorType!: LabelCount[];

  @Field(() => Int, { description: 'Tickets created in the range.' })
  ticketsCreated!: number;

  @Field(() => Int, { description: 'Tickets resolved (or closed) in the range.' })
  ticketsResolved!: number;

  @Field(() => DurationStats, { description: 'First AGENT or AI reply minus conversation start.' })
  firstResponseTime!: DurationStats;

  @Field(() => DurationStats, { description: 'First response time of conversations whose first reply came from the AI.' })
  firstResponseTimeAi!: DurationStats;

  @Field(() => DurationStats, { description: 'First response time of conversations whose first reply came from an agent.' })
  firstResponseTimeHuman!: DurationStats;

  @Field(() => DurationStats, { description: 'resolvedAt minus createdAt, for resolved conversations.' })
  resolutionTime!: DurationStats;

  @Field(() => Float, { nullable: true, description: 'Resolved conversations ÷ conversations created.' })
  resolutionRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Conversations resolved with no AGENT message ÷ conversations the AI handled (had at least one AI reply).',
  })
  automatedResolutionRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Conversations handed to a human by the AI or at the customer’s request (not agent take-overs) ÷ conversations created.',
  })
  handoffRate!: number | null;

  @Field(() => [LabelCount], {
    description:
      'Handoffs by reason (the HandoffReason values: missing_knowledge, customer_request, low_confidence, provider_error, unsupported_language, policy_restriction, …).',
  })
  handoffReasons!: LabelCount[];

  @Field(() => [LabelCount], {
    description:
      'Conversations created in the range by intent: that of their first analysed customer message (the workspace’s own labels once trained; unknown before analysis).',
  })
  conversationsByIntent!: LabelCount[];

  @Field(() => Float, {
    nullable: true,
    description:
      'Resolved conversations that are still resolved and were resolved at least 7 days before the range end (or now, if earlier) ÷ resolved conversations.',
  })
  durableResolutionRate!: number | null;

  @Field(() => Csat, { description: 'Ratings of conversations created in the range.' })
  csat!: Csat;

  @Field(() => Csat, { description: 'CSAT of conversations resolved without any AGENT message.' })
  csatAi!: Csat;

  @Field(() => Csat, { description: 'CSAT of conversations with at least one AGENT message.' })
  csatHuman!: Csat;

  @Field(() => [BacklogCount], { description: 'Tickets not resolved or closed now, by status and priority.' })
  ticketBacklog!: BacklogCount[];

  @Field(() => Int, { description: 'Tickets not resolved or closed that are past a target now: dueAt, or a first response due with no reply yet.' })
  slaBreaches!: number;

  @Field(() => TicketSlaStats, { description: 'Tickets created in the range against their SLA targets.' })
  ticketSla!: TicketSlaStats;

  @Field(() => [AgentPerformance])
  agents!: AgentPerformance[];

  @Field(() => [AiUsage], { description: 'AI replies sent in the range, per model configuration.' })
  aiUsage!: AiUsage[];

  @Field(() => [AnalyticsBucket], { description: 'The headline metrics per bucket of the requested granularity.' })
  timeseries!: AnalyticsBucket[];
}
