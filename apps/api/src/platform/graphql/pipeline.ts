// The one operation pipeline. Every GraphQL operation, whichever transport
// carries it (an HTTP request through Apollo, or any query, mutation or
// subscription sent over graphql-ws), passes the same steps, defined here
// once:
//   1. admission: the per-principal rate limit (each operation on a socket
//      counts; a subscription counts once, when it starts);
//   2. parsing with the token limit, and validation with graphql-js's rules
//      plus depth, alias and directive limits (GraphQL Armor) and, where
//      introspection is off, graphql-js's NoSchemaIntrospectionCustomRule;
//      both cached per document text;
//   3. checks on the resolved operation (checks.ts): variable coercion, NUL
//      characters, resource kinds on every path, cost, trusted documents;
//      then, last because it may ask the database, that the principal is
//      still valid (revoked keys, ended sessions, deactivated users…);
//   4. error formatting onto the fixed code set, internal errors logged with
//      the request id.
// Apollo gets steps 2-4 through its options and one plugin; graphql-ws through
// `wsHooks`. Adding a guard means adding it here, so it cannot reach one
// transport only.
import { createHash, randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { Actor } from '../actor.js';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { AppError, formatError, isDependencyUnavailable, unauthenticated, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RateLimits } from '../rate-limit.js';
import { createDocumentCache } from '../shared-execution.js';
import { assertNoNul, assertVariables, costChecker, LIMITS, resourceChecker, trustedDocumentsChecker, type ResolvedOperation } from './checks.js';
import type { Verdict } from './sockets.js';

export { LIMITS };

export interface PipelineOptions {
  config: Config;
  logger: Logger;
  rateLimits: RateLimits;
  /** Whether a verified credential's principal may still act (cached briefly). */
  checkPrincipal(actor: Actor): Promise<Verdict>;
  /** Benchmarks only: false leaves out the query limits (depth, aliases, tokens, cost) to measure what they cost. */
  limits?: boolean;
  /** The automatic-persisted-query store Apollo uses (its `apq:` keys), so sockets can use hashes too. */
  persistedQueries?: KeyValueCache<string>;
}

/** What a graphql-ws subscribe message carries. */
export interface SubscribePayload {
  query?: string | null;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

const APQ_PREFIX = 'apq:';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const SUGGESTION = / ?Did you mean [^?]*\?/g;

export type OperationPipeline = ReturnType<typeof createOperationPipeline>;

export function createOperationPipeline(opts: PipelineOptions) {
  const { config, logger } = opts;
  const production = config.nodeEnv === 'production';
  const limits = opts.limits !== false;
  const armorRules = limits
    ? new ApolloArmor({
        maxDepth: { n: LIMITS.depth, ignoreIntrospection: true },
        maxAliases: { n: LIMITS.aliases },
        maxDirectives: { n: LIMITS.directives },
        // The token limit is graphql-js's own parser option (parseOptions below).
        maxTokens: { enabled: false },
        costLimit: { enabled: false },
        // Suggestions are stripped from every error in production by `format`, on both transports.
        blockFieldSuggestion: { enabled: false },
      }).protect().validationRules
    : [];
  const validationRules: ValidationRule[] = [...armorRules, ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const parseOptions: ParseOptions = limits ? { maxTokens: LIMITS.tokens } : {};
  const documents = createDocumentCache({ parseOptions, rules: validationRules, maxErrors: LIMITS.errors });
  const checks: ((op: ResolvedOperation) => void)[] = [
    assertVariables,
    assertNoNul,
    resourceChecker(),
    ...(limits ? [costChecker()] : []),
    ...(config.trustedDocuments ? [trustedDocumentsChecker()] : []),
  ];

  /** Step 1, for either transport. */
  function admit(actor: Actor, ip: string | undefined, res?: Parameters<RateLimits['consume']>[2]): Promise<void> {
    return opts.rateLimits.consume(actor, ip, res);
  }

  /**
   * Before parsing: the token limit does not count comments, so the text
   * itself is bounded too (a megabyte of comment would otherwise be parsed).
   */
  function assertDocumentSize(text: unknown): void {
    if (typeof text === 'string' && text.length > LIMITS.documentChars) {
      throw new AppError('BAD_USER_INPUT', `Document exceeds ${LIMITS.documentChars} characters`, { reason: 'DOCUMENT_TOO_LARGE', http: { status: 400 } });
    }
  }

  /** The end of step 3. */
  async function assertPrincipal(actor: Actor): Promise<void> {
    const verdict = await opts.checkPrincipal(actor);
    if (!verdict.ok) throw unauthenticated(verdict.message);
  }

  /** Step 3. */
  function checkOperation(op: ResolvedOperation): void {
    for (const check of checks) check(op);
  }

  /** Step 4: one error as clients see it. */
  function format(formatted: GraphQLFormattedError, original: unknown, requestId?: string): GraphQLFormattedError {
    const out = formatError(formatted, original, {
      production,
      requestId,
      onInternal: (err) => logger.error({ requestId, err }, 'unhandled error'),
    });
    return production && out.message.includes('Did you mean') ? { ...out, message: out.message.replace(SUGGESTION, '') } : out;
  }

  const formatResult = (result: ExecutionResult, requestId?: string): FormattedExecutionResult => {
    const { errors, ...rest } = result;
    return errors ? { ...rest, errors: errors.map((e) => format(e.toJSON(), e, requestId)) } : rest;
  };

  /** Apollo's side: options for its constructor. */
  const apollo = {
    validationRules,
    parseOptions,
    validationOptions: { maxErrors: LIMITS.errors },
    // Request ids are added to INTERNAL errors by the plugin below (Apollo's formatError has no context).
    formatError: (formatted: GraphQLFormattedError, error: unknown) => format(formatted, error),
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ request, document, operation, schema, contextValue }) {
            if (!operation) return; // Apollo has already refused it
            const { actor } = contextValue;
            checkOperation({ schema, document, operation, operationName: request.operationName, variables: request.variables ?? {}, actor });
            // An API key was looked up (revocation included) for this very request.
            if (actor.kind !== 'apiKey') await assertPrincipal(actor);
          },
          async willSendResponse({ response, contextValue }) {
            if (response.body.kind !== 'single') return;
            const errors = response.body.singleResult.errors;
            // The database blinked: say when to retry, and answer 503 when nothing at all could be served.
            if (errors?.some((e) => e.extensions?.code === 'UNAVAILABLE')) {
              response.http.headers.set('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
              if (!response.body.singleResult.data || Object.values(response.body.singleResult.data).every((v) => v == null)) response.http.status = 503;
            }
            if (errors?.some((e) => e.extensions?.code === 'INTERNAL')) {
              response.body.singleResult.errors = errors.map((e) =>
                e.extensions?.code === 'INTERNAL' ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e,
              );
            }
          },
          async didEncounterErrors({ contextValue, errors }) {
            for (const err of errors) {
              const original = err.originalError;
              if (!original || original instanceof GraphQLError) continue;
              if (isDependencyUnavailable(original))
                logger.warn({ requestId: contextValue.requestId, err: (original as Error).message }, 'refused: a dependency is unavailable');
              else logger.error({ requestId: contextValue.requestId, err: original }, 'unhandled error');
            }
          },
        };
      },
    } satisfies ApolloServerPlugin<Context>,
  };

  /** The document of a subscribe message, from its text or its persisted-query hash. */
  async function documentText(payload: SubscribePayload): Promise<string> {
    // graphql-ws requires `query` to be a string: a hash-only message sends ''.
    const query = payload.query || undefined;
    const persisted = payload.extensions?.persistedQuery as { version?: number; sha256Hash?: string } | undefined;
    if (!persisted) {
      if (typeof query !== 'string') throw new AppError('BAD_USER_INPUT', 'A query is required', { reason: 'BAD_REQUEST' });
      return query;
    }
    const hash = persisted.sha256Hash;
    if (persisted.version !== 1 || typeof hash !== 'string')
      throw new AppError('BAD_USER_INPUT', 'Unsupported persisted query version', { reason: 'PERSISTED_QUERY_NOT_SUPPORTED' });
    const store = opts.persistedQueries;
    if (!store) throw new AppError('BAD_USER_INPUT', 'PersistedQueryNotSupported', { reason: 'PERSISTED_QUERY_NOT_SUPPORTED' });
    if (typeof query === 'string') {
      if (sha256(query) !== hash) throw new AppError('BAD_USER_INPUT', 'provided sha does not match query', { reason: 'BAD_REQUEST' });
      await store.set(`${APQ_PREFIX}${hash}`, query);
      return query;
    }
    const stored = await store.get(`${APQ_PREFIX}${hash}`);
    if (stored === undefined) throw new AppError('BAD_USER_INPUT', 'PersistedQueryNotFound', { reason: 'PERSISTED_QUERY_NOT_FOUND' });
    return stored;
  }

  /**
   * graphql-ws's side: `onSubscribe` runs steps 1-3 and returns the execution
   * arguments (or the errors, which end that one operation, never the socket);
   * `onNext` and `onError` are step 4.
   */
  function wsHooks(schema: GraphQLSchema) {
    return {
      async onSubscribe(
        actor: Actor,
        ip: string | undefined,
        payload: SubscribePayload,
        context: (requestId: string) => Context,
      ): Promise<ExecutionArgs | readonly GraphQLError[]> {
        const requestId = randomUUID();
        try {
          await admit(actor, ip);
          const text = await documentText(payload);
          assertDocumentSize(text);
          let document;
          try {
            document = documents.parse(text);
          } catch (err) {
            throw new AppError('BAD_USER_INPUT', (err as Error).message, { reason: 'GRAPHQL_PARSE_FAILED' });
          }
          const validationErrors = documents.validate(schema, document);
          if (validationErrors.length) {
            return validationErrors.map((e) => new AppError('BAD_USER_INPUT', e.message, { reason: 'GRAPHQL_VALIDATION_FAILED' }));
          }
          const operation = getOperationAST(document, payload.operationName);
          if (!operation) throw new AppError('BAD_USER_INPUT', 'Unable to identify operation', { reason: 'OPERATION_RESOLUTION_FAILURE' });
          const variables = payload.variables ?? {};
          checkOperation({ schema, document, operation, operationName: payload.operationName, variables, actor });
          await assertPrincipal(actor);
          return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue: context(requestId) };
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          if (isDependencyUnavailable(err)) {
            logger.warn({ requestId, err: (err as Error).message }, 'subscription refused: a dependency is unavailable');
            return [
              new AppError('UNAVAILABLE', 'The service is briefly unavailable; retry shortly', { retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS, requestId }),
            ];
          }
          logger.error({ requestId, err }, 'unhandled error');
          return [new AppError('INTERNAL', 'Internal server error', { requestId })];
        }
      },
      onNext: (args: ExecutionArgs, result: ExecutionResult) => formatResult(result, (args.contextValue as Context | undefined)?.requestId),
      onError: (errors: readonly GraphQLError[]) => errors.map((e) => format(e.toJSON(), e)),
    };
  }

  return { admit, assertDocumentSize, checkOperation, format, formatResult, apollo, wsHooks, documents, production };
}
