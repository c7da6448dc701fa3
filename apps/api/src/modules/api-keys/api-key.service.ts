// Partner API keys: created by admins with scopes, shown once, stored as a
// SHA-256 hash, revoked at once.
import type { Actor } from '../../platform/actor.js';
import { staff } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { forkFor, type Orm } from '../../platform/database.js';
import { notFound, unauthenticated } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { audit } from '../audit/index.js';
import { announceRevocation, randomToken, sha256 } from '../auth/index.js';
import { ApiKey, type ApiScope } from './api-key.entity.js';

export const API_KEY_PREFIX = 'sk_';
const LAST_USED_PRECISION_MS = 60_000;

export const looksLikeApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

/** Resolves a secret to its actor; UNAUTHENTICATED when unknown or revoked. */
export async function authenticateApiKey(orm: Orm, secret: string): Promise<Actor> {
  const em = forkFor(orm, null);
  const key = await em.findOne(ApiKey, { secretHash: sha256(secret) }, { filters: false });
  if (!key || key.revokedAt) throw unauthenticated(key ? 'API key revoked' : 'Invalid API key');
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: new Date(now) }, { filters: false });
  }
  return { kind: 'apiKey', keyId: key.id, workspaceId: key.workspace.id, scopes: key.scopes };
}

export class ApiKeyService {
  constructor(private readonly scope: Scope) {}

  list(): Promise<ApiKey[]> {
    return this.scope.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc' } });
  }

  async create(name: string, scopes: ApiScope[]): Promise<{ secret: string; apiKey: ApiKey }> {
    const me = staff(this.scope.actor);
    const secret = `${API_KEY_PREFIX}${randomToken(32)}`;
    const apiKey = this.scope.em.create(ApiKey, {
      workspace: me.workspaceId,
      name: name.trim(),
      prefix: secret.slice(0, 10),
      secretHash: sha256(secret),
      scopes: [...new Set(scopes)],
      createdBy: me.userId,
    });
    audit(this.scope, me.workspaceId, { action: 'api_key.create', targetType: 'ApiKey', targetId: apiKey.id, metadata: { scopes: apiKey.scopes } });
    await this.scope.em.flush();
    return { secret, apiKey };
  }

  async revoke(id: string): Promise<ApiKey> {
    const me = staff(this.scope.actor);
    assertId(id);
    const key = await this.scope.em.findOne(ApiKey, { id });
    if (!key) throw notFound('API key');
    key.revokedAt ??= new Date();
    audit(this.scope, me.workspaceId, { action: 'api_key.revoke', targetType: 'ApiKey', targetId: key.id });
    await this.scope.em.flush();
    // Open sockets on every node authenticated with this key close now.
    announceRevocation(this.scope.deps, { kind: 'apiKey', id: key.id });
    return key;
  }
}
