import { IsEmail, IsEnum, IsOptional, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { User, UserRole } from './user.entity.js';

const PASSWORD_MIN = 8;
const NOT_BLANK = /\S/;

@InputType()
export class SignUpInput {
  @Field()
  @Length(1, 120)
  @Matches(NOT_BLANK, { message: 'must not be blank' })
  workspaceName!: string;

  @Field()
  @Length(1, 120)
  @Matches(NOT_BLANK, { message: 'must not be blank' })
  name!: string;

  @Field()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @Field()
  @MinLength(PASSWORD_MIN)
  @MaxLength(200)
  password!: string;
}

@InputType()
export class LogInInput {
  @Field()
  @IsEmail()
  email!: string;

  @Field()
  @Length(1, 200)
  password!: string;
}

@InputType()
export class InviteAgentInput {
  @Field()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @Field()
  @Length(1, 120)
  @Matches(NOT_BLANK, { message: 'must not be blank' })
  name!: string;

  @Field(() => UserRole, { defaultValue: UserRole.AGENT })
  @IsOptional()
  @IsEnum(UserRole)
  role: UserRole = UserRole.AGENT;
}

@InputType()
export class AcceptInviteInput {
  @Field()
  @Length(10, 200)
  token!: string;

  @Field()
  @MinLength(PASSWORD_MIN)
  @MaxLength(200)
  password!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 120)
  name?: string;
}

@ObjectType()
export class AuthPayload {
  @Field({ description: 'Short-lived JWT; send as `Authorization: Bearer <token>`.' })
  accessToken!: string;

  @Field({ description: 'Single-use token for `refreshToken`; rotated on every use.' })
  refreshToken!: string;

  @Field()
  accessTokenExpiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@ObjectType()
export class Invitation {
  @Field(() => User)
  user!: User;

  @Field({ description: 'One-time token for `acceptInvite`; shown only here.' })
  inviteToken!: string;

  @Field()
  expiresAt!: Date;
}
