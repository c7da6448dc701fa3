// The model-configuration registry: versions, the ACTIVE one, A/B traffic
// weights, promotion and rollback. Every change is audited.
import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { DEFAULT_SYSTEM_PROMPT } from '@switchboard/ai';
import type { Scope } from '../../platform/context.js';
import type { Em } from '../../platform/database.js';
import { badInput, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { audit } from '../audit/index.js';
import { AiProviderName, ModelConfig } from './model-config.entity.js';
import type { CreateModelConfigInput, SetTrafficSplitInput } from './model-config.inputs.js';
import type { Config } from '../../platform/config.js';

/**
 * Default confidence threshold per provider. local: 0.45, the balance point
 * measured on StackFAQ dev with our out-of-scope set (bench `calibration`;
 * README "Answer or hand off"): 79% of answerable questions answered, 84% of
 * answers citing the right FAQ, no out-of-domain question answered. openai:
 * its confidence is the cited chunk's similarity, 0.35 as before.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD: Record<AiProviderName, number> = { local: 0.45, openai: 0.35 };

const defaults = (config: Config) => ({
  provider: config.ai.provider as AiProviderName,
  model: config.ai.provider === 'openai' ? config.ai.chatModel : 'extractive',
  temperature: 0.2,
  systemPrompt: DEFAULT_SYSTEM_PROMPT,
  k: 5,
  confidenceThreshold: DEFAULT_CONFIDENCE_THRESHOLD[config.ai.provider as AiProviderName],
});

/** The workspace's configurations, creating version 1 (active) on first use. */
export async function ensureModelConfigs(em: Em, config: Config, workspaceId: string): Promise<ModelConfig[]> {
  const existing = await em.find(ModelConfig, {}, { orderBy: { version: 'asc' } });
  if (existing.length) return existing;
  // Concurrent first uses (two answer jobs at once) race to create version 1:
  // the loser's insert hits the unique (workspace, version) and reads the winner's.
  const fork = em.fork();
  fork.create(ModelConfig, { workspace: workspaceId, version: 1, name: 'Default', active: true, ...defaults(config) });
  try {
    await fork.flush();
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
  }
  return em.find(ModelConfig, {}, { orderBy: { version: 'asc' } });
}

/**
 * Which configuration answers a conversation: with traffic weights, a stable
 * hash of the conversation id picks a bucket (the same conversation always
 * gets the same configuration); otherwise the ACTIVE one.
 */
export function pickModelConfig(configs: ModelConfig[], conversationId: string): ModelConfig {
  const weighted = configs.filter((c) => c.trafficWeight > 0);
  if (weighted.length) {
    const bucket = createHash('sha256').update(conversationId).digest().readUInt32BE(0) % 100;
    let acc = 0;
    for (const c of weighted) {
      acc += c.trafficWeight;
      if (bucket < acc) return c;
    }
  }
  return configs.find((c) => c.active) ?? configs[0]!;
}

export class ModelConfigService {
  constructor(private readonly scope: Scope) {}

  private get workspaceId() {
    const a = this.scope.actor;
    if (a.kind === 'anonymous') throw notFound('Workspace');
    return a.workspaceId;
  }

  list(): Promise<ModelConfig[]> {
    return ensureModelConfigs(this.scope.em, this.scope.deps.config, this.workspaceId);
  }

  async get(id: string): Promise<ModelConfig> {
    assertId(id);
    const mc = await this.scope.em.findOne(ModelConfig, { id });
    if (!mc) throw notFound('Model configuration');
    return mc;
  }

  async create(input: CreateModelConfigInput): Promise<ModelConfig> {
    const configs = await this.list();
    const base = defaults(this.scope.deps.config);
    const provider = input.provider ?? base.provider;
    if (provider === AiProviderName.openai && !this.scope.deps.config.ai.apiKey && !this.scope.deps.config.ai.baseUrl) {
      throw badInput('The openai provider needs OPENAI_API_KEY or OPENAI_BASE_URL on the server', 'provider');
    }
    const mc = this.scope.em.create(ModelConfig, {
      workspace: this.workspaceId,
      version: Math.max(...configs.map((c) => c.version)) + 1,
      name: input.name.trim(),
      provider,
      model: input.model ?? (provider === AiProviderName.openai ? this.scope.deps.config.ai.chatModel : 'extractive'),
      temperature: input.temperature,
      systemPrompt: input.systemPrompt?.trim() || base.systemPrompt,
      k: input.k,
      confidenceThreshold: input.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD[provider],
    });
    audit(this.scope, this.workspaceId, { action: 'model_config.create', targetType: 'ModelConfig', targetId: mc.id, metadata: { version: mc.version } });
    await this.scope.em.flush();
    return mc;
  }

  /** Promotion and rollback alike: the chosen version becomes the only ACTIVE one. */
  async activate(id: string): Promise<ModelConfig> {
    const target = await this.get(id);
    const configs = await this.list();
    for (const c of configs) {
      c.active = c.id === target.id;
      // Activating ends any A/B split: the chosen version answers everything.
      c.trafficWeight = 0;
    }
    audit(this.scope, this.workspaceId, { action: 'model_config.activate', targetType: 'ModelConfig', targetId: id, metadata: { version: target.version } });
    await this.scope.em.flush();
    return target;
  }

  async setTrafficSplit(input: SetTrafficSplitInput): Promise<ModelConfig[]> {
    const total = input.weights.reduce((sum, w) => sum + w.weight, 0);
    if (total !== 100) throw badInput(`Traffic weights must sum to 100 (got ${total})`, 'weights');
    const ids = input.weights.map((w) => w.modelConfigId);
    if (new Set(ids).size !== ids.length) throw badInput('Each configuration may appear once', 'weights');
    const configs = await this.list();
    const byId = new Map(configs.map((c) => [c.id, c]));
    for (const id of ids) if (!byId.has(id)) throw notFound('Model configuration');
    const weights = new Map(input.weights.map((w) => [w.modelConfigId, w.weight]));
    for (const c of configs) c.trafficWeight = weights.get(c.id) ?? 0;
    audit(this.scope, this.workspaceId, { action: 'model_config.traffic_split', targetType: 'ModelConfig', metadata: Object.fromEntries(weights) });
    await this.scope.em.flush();
    return configs;
  }
}
