import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { Priority } from '../conversations/index.js';
import { TenantEntity, Workspace } from '../workspaces/index.js';
import type { OpeningInterval } from './business-hours.js';

@ObjectType('OpeningInterval', { description: 'One opening interval of a weekday, in the workspace’s time zone.' })
export class OpeningIntervalType implements OpeningInterval {
  @Field(() => Int, { description: 'ISO weekday: 1 = Monday … 7 = Sunday.' })
  weekday!: number;

  @Field({ description: '`HH:mm`, local.' })
  opens!: string;

  @Field({ description: '`HH:mm`, local, after `opens` (`24:00` is the end of the day).' })
  closes!: string;
}

@ObjectType('Holiday', { description: 'A day on which the workspace is closed.' })
export class HolidayType {
  @Field({ description: 'Local date, `yyyy-MM-dd`.' })
  date!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

/** A workspace's opening hours and holidays: SLA clocks that count business hours only run while open. */
@ObjectType('BusinessHours', { description: 'The workspace’s opening hours and holidays; SLA targets with `businessHoursOnly` count only open time.' })
@Entity()
@TenantScoped()
@Unique({ properties: ['workspace'] })
export class BusinessCalendar {
  [OptionalProps]?: 'id' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @Field({ description: 'IANA time zone, e.g. Europe/Berlin.' })
  @Property({ length: 64 })
  timezone!: string;

  @Field(() => [OpeningIntervalType], { description: 'Sorted by weekday and opening time. Empty: open around the clock.' })
  @Property({ type: 'json' })
  intervals!: OpeningInterval[];

  @Field(() => [HolidayType], { description: 'Sorted by date.' })
  @Property({ type: 'json' })
  holidays!: { date: string; name: string | null }[];

  @Field()
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

@ObjectType({ description: 'Response and resolution targets for tickets of one priority.' })
@Entity()
@TenantScoped()
@Unique({ properties: ['workspace', 'priority'] })
export class SlaPolicy extends TenantEntity<'businessHoursOnly'> {
  @Field(() => Priority)
  @Enum(() => Priority)
  priority!: Priority;

  @Field(() => Int, { nullable: true, description: 'Minutes from creation to the first public reply (null: no target).' })
  @Property({ type: 'integer', nullable: true })
  firstResponseMinutes?: number | null;

  @Field(() => Int, { nullable: true, description: 'Minutes from creation to resolution (null: no target).' })
  @Property({ type: 'integer', nullable: true })
  resolutionMinutes?: number | null;

  @Field({ description: 'Count only the workspace’s business hours (nights, weekends and holidays do not count).' })
  @Property({ type: 'boolean', default: true })
  businessHoursOnly: boolean = true;
}
