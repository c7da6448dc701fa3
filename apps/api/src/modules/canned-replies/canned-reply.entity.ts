import { type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from '../auth/index.js';
import { MutableTenantEntity } from '../workspaces/index.js';

/** One shortcut per owner (or per workspace, for shared replies), ignoring case. */
export const CANNED_REPLY_SHORTCUT_UNIQUE = 'canned_reply_workspace_owner_shortcut_unique';

@ObjectType({ description: 'A saved reply agents insert with its shortcut (`/refund`); shared by the workspace or personal to one agent.' })
@Entity()
@TenantScoped()
@Unique({
  name: CANNED_REPLY_SHORTCUT_UNIQUE,
  expression: `create unique index "${CANNED_REPLY_SHORTCUT_UNIQUE}" on "canned_reply" ("workspace_id", "owner_id", "shortcut") nulls not distinct`,
})
export class CannedReply extends MutableTenantEntity<'title' | 'owner'> {
  /** null: shared by the workspace (managed by admins); else the agent it belongs to. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'cascade' })
  owner?: Ref<User> | null;

  @Field({ description: 'Lower-case, without the slash: `refund` is typed as `/refund`.' })
  @Property({ length: 40 })
  shortcut!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 120, nullable: true })
  title?: string | null;

  @Field({ description: 'The text, with placeholders such as {{contact.name}} or {{contact.name|there}} (a fallback when the value is unknown).' })
  @Property({ type: 'text' })
  body!: string;
}
