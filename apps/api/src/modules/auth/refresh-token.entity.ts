import { type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from './user.entity.js';
import { TenantEntity } from '../workspaces/index.js';

/**
 * Refresh tokens rotate on every use. All tokens descended from one log-in
 * share a family; presenting an already-rotated token revokes the family.
 */
@Entity()
@TenantScoped()
@Index({ properties: ['familyId'] })
export class RefreshToken extends TenantEntity {
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  rotatedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;
}
