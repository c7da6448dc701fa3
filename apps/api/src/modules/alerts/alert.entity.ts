// An alert raised by a rule (see alert.rules.ts). Installation-wide alerts
// (queues, jobs, the model provider, a node's event loop) have no workspace
// and are shown to every admin; workspace alerts (SLA breaches) only to that
// workspace's admins. That mix is why this entity is not TenantScoped: every
// read goes through AlertService.visible(), which scopes it explicitly.
import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Workspace } from '../workspaces/index.js';

export enum AlertStatus {
  FIRING = 'FIRING',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatus, { name: 'AlertStatus' });

export enum AlertSeverity {
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}
registerEnumType(AlertSeverity, { name: 'AlertSeverity' });

@ObjectType({
  description: 'A condition an alert rule found: raised, acknowledged by an admin, resolved (by an admin, or by itself when the condition clears).',
})
@Entity()
@Index({ properties: ['raisedAt', 'id'] })
@Index({ properties: ['workspace', 'raisedAt'] })
export class Alert {
  [OptionalProps]?: 'id' | 'status' | 'raisedAt' | 'lastSeenAt' | 'installationWide';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, nullable: true, deleteRule: 'cascade' })
  workspace?: Ref<Workspace> | null;

  /** `system`, or the workspace id: at most one open alert per rule and scope. */
  @Property({ length: 40 })
  scopeKey!: string;

  @Field({ description: 'The rule: queue_backlog, failed_jobs, model_provider_failing, handoff_spike, event_loop_lag, sla_breach, webhook_endpoint_disabled.' })
  @Property({ length: 40 })
  rule!: string;

  @Field(() => AlertSeverity)
  @Enum(() => AlertSeverity)
  severity!: AlertSeverity;

  @Field(() => AlertStatus)
  @Enum(() => AlertStatus)
  status: AlertStatus = AlertStatus.FIRING;

  @Field()
  @Property({ length: 300 })
  summary!: string;

  @Field(() => Float, { description: 'The figure that crossed the threshold, as last seen.' })
  @Property({ type: 'double' })
  value!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  threshold!: number;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  details?: Record<string, unknown> | null;

  @Field({ description: 'Whether the alert concerns the whole installation rather than one workspace.' })
  get installationWide(): boolean {
    return !this.workspace;
  }

  @Field()
  @Property({ type: 'timestamptz' })
  raisedAt: Date = new Date();

  @Field({ description: 'When an evaluation last found the condition.' })
  @Property({ type: 'timestamptz' })
  lastSeenAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  acknowledgedAt?: Date | null;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  acknowledgedById?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  acknowledgeNote?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The admin who resolved it; null when it resolved by itself.' })
  @Property({ type: 'uuid', nullable: true })
  resolvedById?: string | null;
}
