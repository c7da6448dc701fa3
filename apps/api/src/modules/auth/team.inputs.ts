import { IsEnum, IsOptional, Length, MaxLength, MinLength } from 'class-validator';
import { ArgsType, Field, InputType, ObjectType } from 'type-graphql';
import { ForwardPageArgs } from '../../platform/pagination.js';
import { User, UserStatus } from './user.entity.js';

const PASSWORD_MIN = 8;

@ArgsType()
export class TeamRosterArgs extends ForwardPageArgs {
  @Field(() => [UserStatus], { nullable: true, description: 'Only these statuses (default: all).' })
  @IsOptional()
  @IsEnum(UserStatus, { each: true })
  statuses?: UserStatus[];
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @Length(1, 200)
  currentPassword!: string;

  @Field()
  @MinLength(PASSWORD_MIN)
  @MaxLength(200)
  newPassword!: string;
}

@InputType()
export class ResetPasswordInput {
  @Field()
  @Length(10, 200)
  token!: string;

  @Field()
  @MinLength(PASSWORD_MIN)
  @MaxLength(200)
  password!: string;
}

@ObjectType()
export class PasswordResetLink {
  @Field(() => User)
  user!: User;

  @Field({ description: 'One-time token for `resetPassword`; shown only here.' })
  resetToken!: string;

  @Field()
  expiresAt!: Date;
}
