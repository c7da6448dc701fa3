import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from '../auth/index.js';
import { TenantEntity, Workspace } from '../workspaces/index.js';

export enum AssignmentPolicy {
  MANUAL = 'MANUAL',
  ROUND_ROBIN = 'ROUND_ROBIN',
  LEAST_OPEN = 'LEAST_OPEN',
}
registerEnumType(AssignmentPolicy, {
  name: 'AssignmentPolicy',
  description: 'How a team assigns conversations handed to a human.',
  valuesConfig: {
    MANUAL: { description: 'Nobody is assigned: the conversation waits in the team inbox, and the team is notified.' },
    ROUND_ROBIN: { description: 'Members take turns, skipping those who are offline, away, deactivated or at capacity.' },
    LEAST_OPEN: { description: 'The online member with the fewest unresolved conversations (ties take turns), below capacity.' },
  },
});

/** Team names are unique per workspace ignoring case. */
export const TEAM_NAME_UNIQUE = 'team_workspace_id_lower_name_unique';
/** At most one default team per workspace. */
export const TEAM_DEFAULT_UNIQUE = 'team_workspace_id_default_unique';

@ObjectType({ description: 'A group of agents with its own inbox (`Billing`, `Tier 2`…) and an assignment policy for handoffs.' })
@Entity()
@TenantScoped()
@Unique({ name: TEAM_NAME_UNIQUE, expression: `create unique index "${TEAM_NAME_UNIQUE}" on "team" ("workspace_id", lower("name"))` })
@Unique({ name: TEAM_DEFAULT_UNIQUE, expression: `create unique index "${TEAM_DEFAULT_UNIQUE}" on "team" ("workspace_id") where "is_default"` })
export class Team extends TenantEntity<'assignmentPolicy' | 'isDefault' | 'capacity' | 'lastAssignedId'> {
  @Field()
  @Property({ length: 60 })
  name!: string;

  @Field(() => AssignmentPolicy)
  @Enum(() => AssignmentPolicy)
  assignmentPolicy: AssignmentPolicy = AssignmentPolicy.MANUAL;

  @Field(() => Int, { nullable: true, description: 'Most unresolved conversations an agent holds before auto-assignment skips them (null: no limit).' })
  @Property({ type: 'integer', nullable: true })
  capacity?: number | null = null;

  @Field({ description: 'Handoffs of conversations that belong to no team go to the default team.' })
  @Property({ type: 'boolean', default: false })
  isDefault: boolean = false;

  /** Round-robin cursor: the member assigned last. */
  @Property({ type: 'uuid', nullable: true })
  lastAssignedId?: string | null = null;
}

/** A member of a team. */
@Entity()
@TenantScoped()
export class TeamMember {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Team, { primary: true, ref: true, deleteRule: 'cascade' })
  team!: Ref<Team>;

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
