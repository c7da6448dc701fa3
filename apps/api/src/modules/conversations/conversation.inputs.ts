import { ArrayMaxSize, IsEmail, IsEnum, IsInt, IsOptional, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MAX_MESSAGE_LENGTH } from './message.entity.js';
import { Conversation, ConversationMode, ConversationStatus } from './conversation.entity.js';

@InputType()
export class ConversationFilter {
  @Field(() => ConversationStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ConversationStatus)
  status?: ConversationStatus;

  @Field(() => ID, { nullable: true, description: 'Only conversations assigned to this user.' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @Field({ nullable: true, description: 'true: only conversations nobody is assigned to.' })
  @IsOptional()
  unassigned?: boolean;

  @Field(() => ConversationMode, { nullable: true })
  @IsOptional()
  @IsEnum(ConversationMode)
  mode?: ConversationMode;

  @Field(() => ID, { nullable: true, description: 'Only conversations in this team’s inbox.' })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @Field(() => [ID], { nullable: true, description: 'Only conversations carrying every one of these labels (at most 10).' })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  labelIds?: string[];

  @Field({
    nullable: true,
    description:
      'Full-text search over message bodies, the contact’s name and email, and ticket subjects (1 to 200 characters; "quoted phrases", -excluded words and `or` work; every word matches as a prefix). Results are ranked by relevance, then by last activity; each edge’s `highlights` says what matched. The newest 5,000 matching messages are considered.',
  })
  @IsOptional()
  @MaxLength(200)
  search?: string;

  @Field({ nullable: true, description: 'Only conversations with the contact of this email address (any case).' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  contactEmail?: string;

  @Field({ nullable: true, description: 'Only conversations started at or after this time.' })
  @IsOptional()
  from?: Date;

  @Field({ nullable: true, description: 'Only conversations started before this time.' })
  @IsOptional()
  to?: Date;
}

@ObjectType({ description: 'What the chat widget may know before a conversation starts.' })
export class WidgetInfo {
  @Field({ description: 'The workspace’s name, shown in the widget’s header.' })
  workspaceName!: string;
}

@InputType()
export class StartConversationInput {
  @Field()
  @Length(4, 64)
  widgetKey!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 120)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @Field({ nullable: true, description: 'Optional first message from the customer.' })
  @IsOptional()
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(/\S/, { message: 'must not be blank' })
  message?: string;
}

@ObjectType()
export class StartConversationPayload {
  @Field(() => Conversation)
  conversation!: Conversation;

  @Field({ description: 'Token for this conversation only; send as `Authorization: Bearer <token>`.' })
  customerToken!: string;
}

@InputType()
export class RateConversationInput {
  @Field(() => Int, { description: '1 (bad) to 5 (great).' })
  @IsInt()
  @Min(1)
  @Max(5)
  score!: number;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2000)
  comment?: string;
}

@ObjectType({ description: 'Conversation counts for the agent inbox filters.' })
export class InboxCounts {
  @Field(() => Int, { description: 'Not resolved (OPEN or PENDING).' })
  open!: number;

  @Field(() => Int, { description: 'Not resolved and assigned to the caller.' })
  mine!: number;

  @Field(() => Int, { description: 'Not resolved and assigned to nobody.' })
  unassigned!: number;

  @Field(() => Int, { description: 'Not resolved and in AI mode (the assistant answers).' })
  ai!: number;

  @Field(() => Int, { description: 'Not resolved and in HUMAN mode (handed to people).' })
  handedOff!: number;

  @Field(() => Int, { description: 'RESOLVED.' })
  resolved!: number;
}
