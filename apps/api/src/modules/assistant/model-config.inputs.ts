import { ArrayMinSize, IsEnum, IsInt, IsNumber, IsOptional, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { AiProviderName } from './model-config.entity.js';

@InputType()
export class CreateModelConfigInput {
  @Field()
  @Length(1, 120)
  @Matches(/\S/, { message: 'must not be blank' })
  name!: string;

  @Field(() => AiProviderName, { nullable: true, description: 'Defaults to the deployment’s provider.' })
  @IsOptional()
  @IsEnum(AiProviderName)
  provider?: AiProviderName;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 120)
  model?: string;

  @Field(() => Float, { nullable: true, defaultValue: 0.2 })
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature: number = 0.2;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(8000)
  systemPrompt?: string;

  @Field(() => Int, { nullable: true, defaultValue: 5 })
  @IsInt()
  @Min(1)
  @Max(20)
  k: number = 5;

  @Field(() => Float, {
    nullable: true,
    description: "Below this confidence the conversation goes to a human. Default: the provider's measured balance (local 0.45, openai 0.35).",
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  confidenceThreshold?: number;
}

@InputType()
export class TrafficWeightInput {
  @Field(() => ID)
  @IsUUID()
  modelConfigId!: string;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(100)
  weight!: number;
}

@InputType()
export class SetTrafficSplitInput {
  @Field(() => [TrafficWeightInput], { description: 'Weights must sum to 100; configurations not listed get 0.' })
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  weights!: TrafficWeightInput[];
}
