import { IsOptional, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';

const NAME = /^(?=.*\S)[^\n\r\t]{1,40}$/;
const NAME_MESSAGE = 'must be 1 to 40 characters on one line';
const COLOR = /^#[0-9a-fA-F]{6}$/;
const COLOR_MESSAGE = 'must be a hex colour such as #1e88e5';

@InputType()
export class CreateLabelInput {
  @Field()
  @Matches(NAME, { message: NAME_MESSAGE })
  name!: string;

  @Field({ description: 'A hex colour, `#rrggbb`.' })
  @Matches(COLOR, { message: COLOR_MESSAGE })
  color!: string;
}

@InputType()
export class UpdateLabelInput {
  @Field({ nullable: true })
  @IsOptional()
  @Matches(NAME, { message: NAME_MESSAGE })
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(COLOR, { message: COLOR_MESSAGE })
  color?: string;
}
