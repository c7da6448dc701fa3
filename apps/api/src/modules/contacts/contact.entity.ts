import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { TenantEntity } from '../workspaces/index.js';

@ObjectType({ description: 'An end customer who contacted the workspace.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'email'] })
export class Contact extends TenantEntity {
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 120, nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 254, nullable: true })
  email?: string | null;

  /** When the contact's personal data was erased; their customer tokens stop working. */
  @Property({ type: 'timestamptz', nullable: true })
  erasedAt?: Date | null;
}
