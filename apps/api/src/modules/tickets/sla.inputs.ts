import { ArrayMaxSize, IsBoolean, IsEnum, IsInt, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { Priority } from '../conversations/index.js';

/** A year of minutes: the longest target. */
export const MAX_TARGET_MINUTES = 525_600;

@InputType()
export class OpeningIntervalInput {
  @Field(() => Int, { description: 'ISO weekday: 1 = Monday … 7 = Sunday.' })
  weekday!: number;

  @Field({ description: '`HH:mm`, local.' })
  opens!: string;

  @Field({ description: '`HH:mm`, local, after `opens` (`24:00` for the end of the day).' })
  closes!: string;
}

@InputType()
export class HolidayInput {
  @Field({ description: '`yyyy-MM-dd`, local.' })
  date!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(80)
  name?: string | null;
}

@InputType()
export class BusinessHoursInput {
  @Field({ description: 'IANA time zone, e.g. Europe/Berlin.' })
  @Length(1, 64)
  timezone!: string;

  @Field(() => [OpeningIntervalInput], { description: 'At most 50 intervals; none means open around the clock.' })
  @ArrayMaxSize(50)
  intervals!: OpeningIntervalInput[];

  @Field(() => [HolidayInput], { nullable: true, description: 'At most 400 dates.' })
  @IsOptional()
  @ArrayMaxSize(400)
  holidays?: HolidayInput[];
}

@InputType()
export class SlaPolicyInput {
  @Field(() => Priority)
  @IsEnum(Priority)
  priority!: Priority;

  @Field(() => Int, { nullable: true, description: `Minutes to the first public reply (1 to ${MAX_TARGET_MINUTES}); null for no target.` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TARGET_MINUTES)
  firstResponseMinutes?: number | null;

  @Field(() => Int, { nullable: true, description: `Minutes to resolution (1 to ${MAX_TARGET_MINUTES}); null for no target.` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TARGET_MINUTES)
  resolutionMinutes?: number | null;

  @Field({ nullable: true, description: 'Count business hours only (default true).' })
  @IsOptional()
  @IsBoolean()
  businessHoursOnly?: boolean;
}
