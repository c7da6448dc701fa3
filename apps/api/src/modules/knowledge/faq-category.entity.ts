import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { TenantEntity } from '../workspaces/index.js';

/** Category names are unique per workspace ignoring case (Migration20261122090000_faq_category_name_ci). */
export const FAQ_CATEGORY_NAME_UNIQUE = 'faq_category_workspace_id_lower_name_unique';

@ObjectType()
@Entity()
@TenantScoped()
@Unique({
  name: FAQ_CATEGORY_NAME_UNIQUE,
  expression: `create unique index "${FAQ_CATEGORY_NAME_UNIQUE}" on "faq_category" ("workspace_id", lower("name"))`,
})
export class FaqCategory extends TenantEntity {
  @Field()
  @Property({ length: 120 })
  name!: string;
}
