import { ArrayMaxSize, IsInt, IsOptional, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { MAX_PAGE_SIZE } from '../../platform/pagination.js';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_LENGTH } from './message.entity.js';

@InputType()
export class SendMessageInput {
  @Field(() => ID)
  @IsUUID()
  conversationId!: string;

  @Field({ defaultValue: '', description: `Up to ${MAX_MESSAGE_LENGTH} characters; may be empty only when attachmentIds are given.` })
  @Length(0, MAX_MESSAGE_LENGTH)
  // Text, or files, or both.
  @ValidateIf((input: SendMessageInput) => !input.attachmentIds?.length)
  @Matches(/\S/, { message: 'must not be blank' })
  body!: string;

  @Field(() => [ID], {
    nullable: true,
    description: `Your own unsent uploads to this conversation (uploadAttachment), sent with the message (at most ${MAX_ATTACHMENTS_PER_MESSAGE}).`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ATTACHMENTS_PER_MESSAGE)
  @IsUUID('all', { each: true })
  attachmentIds?: string[];

  @Field({
    nullable: true,
    description: 'Retrying with the same id returns the message already stored instead of sending it twice.',
  })
  @IsOptional()
  @Length(1, 100)
  clientMessageId?: string;
}

@ArgsType()
export class MessagePageArgs {
  @Field(() => Int, { nullable: true, description: 'Oldest-first page after `after`.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  after?: string;

  @Field(() => Int, { nullable: true, description: 'Newest page before `before` (default: the latest 50).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  last?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  before?: string;
}
