import { ArrayMaxSize, IsEnum, IsOptional, IsUUID, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { FaqStatus } from './faq.entity.js';

export const MAX_ANSWER_LENGTH = 200_000;

@InputType()
export class CreateFaqCategoryInput {
  @Field()
  @Length(1, 120)
  @Matches(/\S/, { message: 'must not be blank' })
  name!: string;
}

@InputType()
export class FaqFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  categoryId?: string;

  @Field(() => FaqStatus, { nullable: true })
  @IsOptional()
  @IsEnum(FaqStatus)
  status?: FaqStatus;

  @Field({ nullable: true, description: 'Full-text search over question and answer, best matches first.' })
  @IsOptional()
  @Length(1, 500)
  search?: string;
}

@InputType()
export class CreateFaqInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  categoryId?: string;

  @Field()
  @Length(1, 500)
  @Matches(/\S/, { message: 'must not be blank' })
  question!: string;

  @Field()
  @Length(1, MAX_ANSWER_LENGTH)
  @Matches(/\S/, { message: 'must not be blank' })
  answer!: string;

  @Field(() => [String], { nullable: true, description: 'Other phrasings of the question (at most 20, each 1–500 characters).' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 500, { each: true })
  @Matches(/\S/, { each: true, message: 'alternate questions must not be blank' })
  alternateQuestions?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 40, { each: true })
  tags?: string[];
}

@InputType()
export class UpdateFaqInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Move to this category; null removes it from its category.' })
  @IsOptional()
  @IsUUID()
  categoryId?: string | null;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 500)
  @Matches(/\S/, { message: 'must not be blank' })
  question?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, MAX_ANSWER_LENGTH)
  @Matches(/\S/, { message: 'must not be blank' })
  answer?: string;

  @Field(() => [String], { nullable: true, description: 'Other phrasings of the question (at most 20, each 1–500 characters).' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 500, { each: true })
  @Matches(/\S/, { each: true, message: 'alternate questions must not be blank' })
  alternateQuestions?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 40, { each: true })
  tags?: string[];
}
