import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { TenantEntity } from '../workspaces/index.js';

export enum UserRole {
  ADMIN = 'ADMIN',
  AGENT = 'AGENT',
}
registerEnumType(UserRole, { name: 'UserRole', description: 'Staff role within a workspace.' });

export enum UserStatus {
  INVITED = 'INVITED',
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}
registerEnumType(UserStatus, { name: 'UserStatus' });

@ObjectType({ description: 'A staff member (admin or agent) of a workspace.' })
@Entity()
@TenantScoped()
export class User extends TenantEntity<'role' | 'status'> {
  @Field()
  @Property({ unique: true, length: 254 })
  email!: string;

  @Field()
  @Property({ length: 120 })
  name!: string;

  @Field(() => UserRole)
  @Enum({ items: () => UserRole })
  role: UserRole = UserRole.AGENT;

  @Field(() => UserStatus)
  @Enum({ items: () => UserStatus })
  status: UserStatus = UserStatus.ACTIVE;

  /** argon2id hash; never exposed. Null until an invited agent sets a password. */
  @Property({ type: 'text', nullable: true, hidden: true })
  passwordHash?: string | null;

  /** SHA-256 of the one-time invite token. */
  @Property({ type: 'string', length: 64, nullable: true, unique: true, hidden: true })
  inviteTokenHash?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  inviteExpiresAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastLoginAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last log-in or token refresh: a signed-in console refreshes every few minutes.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastSeenAt?: Date | null;

  /** Set while an admin has deactivated the account (status DISABLED): no log-in, refresh or access. */
  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deactivatedAt?: Date | null;

  /** SHA-256 of the one-time password reset token an admin issued. */
  @Property({ type: 'string', length: 64, nullable: true, unique: true, hidden: true })
  passwordResetTokenHash?: string | null;

  @Property({ type: 'timestamptz', nullable: true, hidden: true })
  passwordResetExpiresAt?: Date | null;
}
