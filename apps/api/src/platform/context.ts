import type { PrincipalRevokedPayload } from './topics.js';
// Per-request scope: one EntityManager fork, one set of DataLoaders, the actor.
import type { Config } from './config.js';
import type { Actor } from './actor.js';
import { forkFor, type Em, type Orm } from './database.js';
import type { Logger } from './logger.js';
import type { PubSub } from './pubsub.js';
import type { Redis } from 'ioredis';
import type { AiProviders } from './ai.js';
import type { JobDefinition, JobRunner } from './queue.js';
import type { OutboxDispatcher } from './outbox.js';

/**
 * Process-wide singletons, built once by the server (app/server.ts).
 *
 * Platform code imports no module, so the services that modules contribute
 * (tokens, realtime, system status, the attachment scanner) are declared by
 * those modules, which merge their fields into this interface
 * (`declare module '…/platform/context.js' { interface AppDeps { … } }`), and
 * the per-request loaders by app/loaders.ts, which knows the entities.
 */
export interface AppDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  pubSub: PubSub;
  /** See PubSubHandle.subscribed. */
  subscribed: (channel: string) => Promise<void>;
  redis?: Redis;
  jobs: JobRunner;
  /** Every job the workers run, by name (failed jobs are retried by name). */
  jobDefinitions: ReadonlyMap<string, JobDefinition<never>>;
  /** The DataLoaders of one request or event scope. */
  createLoaders(em: Em): Loaders;
  /** Sends jobs recorded in a transaction (platform/outbox.ts) to `jobs` after commit. */
  outbox: OutboxDispatcher;
  ai: AiProviders;
  /**
   * Set by API nodes: drops this node's cached verdicts about a revoked
   * principal and re-checks its sockets at once (other nodes hear of it
   * through `principalRevoked`).
   */
  onRevocation?: (event: PrincipalRevokedPayload) => void;
}

/** Per-request DataLoaders (`ctx.loaders.user.load(id)`…): declared in app/loaders.ts, which merges its class into this interface. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface Loaders {}

/** What services get: no GraphQL in here. */
export interface Scope {
  deps: AppDeps;
  em: Em;
  actor: Actor;
  requestId: string;
  ip?: string;
}

export interface Context extends Scope {
  loaders: Loaders;
}

export function createScope(deps: AppDeps, actor: Actor, requestId: string, ip?: string): Scope {
  const em = forkFor(deps.orm, actor.kind === 'anonymous' ? null : actor.workspaceId);
  return { deps, em, actor, requestId, ip };
}

export function createContext(deps: AppDeps, actor: Actor, requestId: string, ip?: string): Context {
  const scope = createScope(deps, actor, requestId, ip);
  return { ...scope, loaders: deps.createLoaders(scope.em) };
}

/**
 * A context whose EntityManager fork and loaders are created on first use:
 * for subscriptions, which hold their context for as long as the socket
 * lives and mostly never touch it (events run in useEventScope's scope).
 */
export function createLazyContext(deps: AppDeps, actor: Actor, requestId: string, ip?: string): Context {
  let em: Em | undefined;
  let loaders: Loaders | undefined;
  const ctx = { deps, actor, requestId, ip } as Context;
  Object.defineProperties(ctx, {
    em: {
      enumerable: true,
      get: () => (em ??= forkFor(deps.orm, actor.kind === 'anonymous' ? null : actor.workspaceId)),
      set: (value: Em) => void (em = value),
    },
    loaders: {
      enumerable: true,
      get: () => (loaders ??= deps.createLoaders(ctx.em)),
      set: (value: Loaders) => void (loaders = value),
    },
  });
  return ctx;
}

/**
 * Points a subscription's context at the scope of one event: a fresh
 * EntityManager fork and DataLoaders shared by every subscriber on this node
 * that receives the same event, so an event costs one read per node, not one
 * per subscriber, and is read as it is now rather than as first cached.
 * Events are routed by conversation, workspace or user, so everyone sharing
 * an event's scope belongs to its workspace.
 */
const eventScopes = new WeakMap<object, { em: Em; loaders: Loaders }>();

export function useEventScope(ctx: Context, event: { workspaceId: string }): Context {
  let scope = eventScopes.get(event);
  if (!scope) {
    const em = forkFor(ctx.deps.orm, event.workspaceId);
    scope = { em, loaders: ctx.deps.createLoaders(em) };
    eventScopes.set(event, scope);
  }
  ctx.em = scope.em;
  ctx.loaders = scope.loaders;
  return ctx;
}
