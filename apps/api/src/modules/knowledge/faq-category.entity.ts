import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { Workspace } from '../workspaces/workspace.entity.js';

/** Category names are unique per workspace ignoring case (Migration20261122090000_faq_category_name_ci). */
export const FAQ_CATEGORY_NAME_UNIQUE = 'faq_category_workspace_id_lower_name_unique';

@ObjectType()
@Entity()
@TenantScoped()
@Unique({
  name: FAQ_CATEGORY_NAME_UNIQUE,
  expression: `create unique index "${FAQ_CATEGORY_NAME_UNIQUE}" on "faq_category" ("workspace_id", lower("name"))`,
})
export class FaqCategory {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @Field()
  @Property({ length: 120 })
  name!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
