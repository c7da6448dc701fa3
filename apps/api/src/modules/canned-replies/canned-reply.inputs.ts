import { IsBoolean, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { MAX_MESSAGE_LENGTH } from '../conversations/index.js';

/** Letters, digits, `-` and `_`, starting with a letter or digit; a leading slash is accepted and dropped. */
export const SHORTCUT_PATTERN = /^\/?[\p{L}\p{N}][\p{L}\p{N}_-]{0,39}$/u;

@InputType()
export class CreateCannedReplyInput {
  @Field({ description: 'Typed after a slash in the composer: `refund` for `/refund`.' })
  @Matches(SHORTCUT_PATTERN, { message: 'must be 1 to 40 letters, digits, - or _ (a leading / is allowed)' })
  shortcut!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  title?: string | null;

  @Field()
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(/\S/, { message: 'must not be blank' })
  body!: string;

  @Field({ defaultValue: false, description: 'true: only you see it; false: shared with the workspace (admins only).' })
  @IsBoolean()
  personal!: boolean;
}

@InputType()
export class UpdateCannedReplyInput {
  @Field({ nullable: true })
  @IsOptional()
  @Matches(SHORTCUT_PATTERN, { message: 'must be 1 to 40 letters, digits, - or _ (a leading / is allowed)' })
  shortcut?: string;

  @Field(() => String, { nullable: true, description: 'An empty string removes the title.' })
  @IsOptional()
  @MaxLength(120)
  title?: string | null;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(/\S/, { message: 'must not be blank' })
  body?: string;
}
