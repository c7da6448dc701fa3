import { IsInt, IsOptional, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { MAX_PAGE_SIZE } from '../../platform/pagination.js';
import { MAX_MESSAGE_LENGTH } from './message.entity.js';

@InputType()
export class SendMessageInput {
  @Field(() => ID)
  @IsUUID()
  conversationId!: string;

  @Field({ description: `1 to ${MAX_MESSAGE_LENGTH} characters.` })
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(/\S/, { message: 'must not be blank' })
  body!: string;

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
