import { ArrayMaxSize, IsEnum, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { AssignmentPolicy } from './team.entity.js';

const NAME = /^(?=.*\S)[^\n\r\t]{1,60}$/;
const NAME_MESSAGE = 'must be 1 to 60 characters on one line';

@InputType()
export class CreateTeamInput {
  @Field()
  @Matches(NAME, { message: NAME_MESSAGE })
  name!: string;

  @Field(() => AssignmentPolicy, { nullable: true, description: 'Default MANUAL.' })
  @IsOptional()
  @IsEnum(AssignmentPolicy)
  assignmentPolicy?: AssignmentPolicy;

  @Field(() => Int, { nullable: true, description: 'Most unresolved conversations per agent for auto-assignment (1 to 100; omit for no limit).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  capacity?: number;

  @Field({ nullable: true, description: 'Make it the default team (the previous default stops being one).' })
  @IsOptional()
  isDefault?: boolean;

  @Field(() => [ID], { nullable: true, description: 'Initial members (at most 200).' })
  @IsOptional()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  memberIds?: string[];
}

@InputType()
export class UpdateTeamInput {
  @Field({ nullable: true })
  @IsOptional()
  @Matches(NAME, { message: NAME_MESSAGE })
  name?: string;

  @Field(() => AssignmentPolicy, { nullable: true })
  @IsOptional()
  @IsEnum(AssignmentPolicy)
  assignmentPolicy?: AssignmentPolicy;

  @Field(() => Int, { nullable: true, description: '1 to 100; 0 removes the limit.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  capacity?: number;

  @Field({ nullable: true })
  @IsOptional()
  isDefault?: boolean;
}
