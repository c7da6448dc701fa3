import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { TenantEntity } from '../workspaces/index.js';

/** What a partner's key may reach. */
export enum ApiScope {
  ANALYTICS_READ = 'analytics:read',
  CONVERSATIONS_READ = 'conversations:read',
  TICKETS_READ = 'tickets:read',
  KNOWLEDGE_READ = 'knowledge:read',
  KNOWLEDGE_WRITE = 'knowledge:write',
  WEBHOOKS_WRITE = 'webhooks:write',
}
registerEnumType(ApiScope, {
  name: 'ApiScope',
  valuesConfig: {
    ANALYTICS_READ: { description: 'analytics:read — the analytics API and exports.' },
    CONVERSATIONS_READ: { description: 'conversations:read — conversations, their messages and contacts.' },
    TICKETS_READ: { description: 'tickets:read — tickets.' },
    KNOWLEDGE_READ: { description: 'knowledge:read — FAQs, categories and knowledge search.' },
    KNOWLEDGE_WRITE: { description: 'knowledge:write — create, edit, publish and archive FAQs.' },
    WEBHOOKS_WRITE: {
      description: 'webhooks:write — webhook endpoints (create, change, rotate secrets, delete, test), their delivery log, redelivery and replay.',
    },
  },
});

@ObjectType({ description: 'A partner API key. The secret is shown once, at creation; only its hash is stored.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'createdAt'] })
export class ApiKey extends TenantEntity {
  @Field()
  @Property({ length: 120 })
  name!: string;

  @Field({ description: 'The first characters of the secret, to recognise it.' })
  @Property({ length: 16 })
  prefix!: string;

  /** SHA-256 of the secret. */
  @Property({ length: 64, unique: true, hidden: true })
  secretHash!: string;

  @Field(() => [ApiScope])
  @Property({ type: 'text[]' })
  scopes!: ApiScope[];

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  createdBy?: string | null;
}
