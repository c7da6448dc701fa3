import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { Conversation } from '../conversations/index.js';
import { TenantEntity, Workspace } from '../workspaces/index.js';

/** Label names are unique per workspace ignoring case. */
export const LABEL_NAME_UNIQUE = 'label_workspace_id_lower_name_unique';

@ObjectType({ description: 'A workspace label agents put on conversations (`billing`, `vip`…), with a colour.' })
@Entity()
@TenantScoped()
@Unique({ name: LABEL_NAME_UNIQUE, expression: `create unique index "${LABEL_NAME_UNIQUE}" on "label" ("workspace_id", lower("name"))` })
export class Label extends TenantEntity {
  @Field()
  @Property({ length: 40 })
  name!: string;

  @Field({ description: 'A CSS hex colour, `#rrggbb`.' })
  @Property({ length: 7 })
  color!: string;
}

/** A label on a conversation. */
@Entity()
@TenantScoped()
@Index({ properties: ['label', 'conversation'] })
export class ConversationLabel {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Conversation, { primary: true, ref: true, deleteRule: 'cascade' })
  conversation!: Ref<Conversation>;

  @ManyToOne(() => Label, { primary: true, ref: true, deleteRule: 'cascade' })
  label!: Ref<Label>;

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
