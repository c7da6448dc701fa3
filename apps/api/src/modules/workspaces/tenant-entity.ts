// The columns every workspace-owned record shares, declared once: a random
// UUID key, the owning workspace (rows go with it) and the creation time, all
// three exposed the same way in GraphQL (`id: ID!`, `createdAt: DateTimeISO!`;
// the workspace itself never is). Records that change after creation extend
// `MutableTenantEntity`, which adds `updatedAt`, kept by the unit of work.
// Append-only records (messages, audit entries, ticket history) deliberately do
// not carry an `updated_at` column: on the largest tables it would be a
// column that never changes.
//
// The type parameter lists a subclass's own optional properties (MikroORM's
// documented pattern for `OptionalProps` on a base entity):
//   class Label extends TenantEntity<'color'> { … }
// Tenant isolation itself stays explicit on each subclass (`@TenantScoped()`).
import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { Workspace } from './workspace.entity.js';

@ObjectType()
@Entity({ abstract: true })
export abstract class TenantEntity<Optional extends string = never> {
  [OptionalProps]?: 'id' | 'createdAt' | Optional;

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

@ObjectType()
@Entity({ abstract: true })
export abstract class MutableTenantEntity<Optional extends string = never> extends TenantEntity<'updatedAt' | Optional> {
  @Field()
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
