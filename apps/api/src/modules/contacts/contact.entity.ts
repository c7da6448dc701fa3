import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { Workspace } from '../workspaces/workspace.entity.js';

@ObjectType({ description: 'An end customer who contacted the workspace.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'email'] })
export class Contact {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 120, nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 254, nullable: true })
  email?: string | null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** When the contact's personal data was erased; their customer tokens stop working. */
  @Property({ type: 'timestamptz', nullable: true })
  erasedAt?: Date | null;
}
