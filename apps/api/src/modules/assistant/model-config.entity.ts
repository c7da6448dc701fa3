import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { TenantEntity } from '../workspaces/index.js';

export enum AiProviderName {
  local = 'local',
  openai = 'openai',
}
registerEnumType(AiProviderName, { name: 'AiProvider', description: '`local`: offline, extractive. `openai`: any OpenAI-compatible server.' });

/**
 * A versioned AI configuration. Exactly one per workspace is ACTIVE (it
 * answers unless traffic weights split answers across several); promoting or
 * rolling back is activating another version.
 */
@ObjectType({ description: 'A versioned AI answering configuration.' })
@Entity()
@TenantScoped()
@Unique({ properties: ['workspace', 'version'] })
@Index({ properties: ['workspace', 'active'] })
export class ModelConfig extends TenantEntity<'active' | 'trafficWeight'> {
  @Field(() => Int, { description: 'Increments per workspace.' })
  @Property({ type: 'integer' })
  version!: number;

  @Field()
  @Property({ length: 120 })
  name!: string;

  @Field(() => AiProviderName)
  @Enum(() => AiProviderName)
  provider!: AiProviderName;

  @Field({ description: 'Chat model name (ignored by `local`).' })
  @Property({ length: 120 })
  model!: string;

  @Field(() => Float)
  @Property({ type: 'real' })
  temperature!: number;

  @Field()
  @Property({ type: 'text' })
  systemPrompt!: string;

  @Field(() => Int, { description: 'Knowledge chunks retrieved per answer.' })
  @Property({ type: 'smallint' })
  k!: number;

  @Field(() => Float, { description: 'Below this confidence the conversation is handed to a human.' })
  @Property({ type: 'real' })
  confidenceThreshold!: number;

  @Field({ description: 'The configuration that answers (exactly one per workspace).' })
  @Property({ type: 'boolean' })
  active: boolean = false;

  @Field(() => Int, { description: 'A/B share of answers, 0–100; weights of all configurations with traffic sum to 100.' })
  @Property({ type: 'smallint' })
  trafficWeight: number = 0;
}
