import { IsBoolean, IsDate, IsEnum, IsOptional, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { MAX_MESSAGE_LENGTH, Priority } from '../conversations/index.js';
import { TicketStatus } from './ticket.entity.js';

@InputType()
export class TicketFilter {
  @Field(() => TicketStatus, { nullable: true })
  @IsOptional()
  @IsEnum(TicketStatus)
  status?: TicketStatus;

  @Field(() => Priority, { nullable: true })
  @IsOptional()
  @IsEnum(Priority)
  priority?: Priority;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
}

@InputType()
export class CreateTicketInput {
  @Field({ nullable: true, description: 'Defaults to the first customer message when created from a conversation.' })
  @IsOptional()
  @Length(1, 200)
  @Matches(/\S/, { message: 'must not be blank' })
  subject?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  description?: string;

  @Field(() => Priority, { nullable: true })
  @IsOptional()
  @IsEnum(Priority)
  priority?: Priority;

  @Field(() => ID, { nullable: true, description: 'Raise the ticket from this conversation (its contact becomes the requester).' })
  @IsOptional()
  @IsUUID()
  conversationId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsDate()
  dueAt?: Date;
}

@InputType()
export class UpdateTicketInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200)
  @Matches(/\S/, { message: 'must not be blank' })
  subject?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  description?: string;

  @Field(() => TicketStatus, { nullable: true })
  @IsOptional()
  @IsEnum(TicketStatus)
  status?: TicketStatus;

  @Field(() => Priority, { nullable: true })
  @IsOptional()
  @IsEnum(Priority)
  priority?: Priority;

  @Field(() => ID, { nullable: true, description: 'Assign to this user; pass null to unassign.' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  dueAt?: Date | null;
}

@InputType()
export class AddTicketCommentInput {
  @Field(() => ID)
  @IsUUID()
  ticketId!: string;

  @Field({ description: `1 to ${MAX_MESSAGE_LENGTH} characters.` })
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(/\S/, { message: 'must not be blank' })
  body!: string;

  @Field({
    description: 'A public reply (sent to the requester’s conversation when the ticket has one; stops the first-response clock) or an internal comment.',
  })
  @IsBoolean()
  isPublic!: boolean;
}
