// Per-operation observation (metrics, and traces when tracing is on) for both
// transports: an Apollo Server plugin for HTTP, and a wrapper around
// graphql-ws's server options for sockets. Both go through observeOperation.
import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  execute as graphqlExecute,
  getOperationAST,
  subscribe as graphqlSubscribe,
  type ExecutionArgs,
  type GraphQLError,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { observeOperation, subscriptionEnded, subscriptionStarted, type OperationType } from './metrics.js';
import { endActiveOperation, nameActiveOperation, startSocketOperation } from './tracing.js';

const codeOf = (errors: readonly (GraphQLError | GraphQLFormattedError)[] | undefined, fallback = 'INTERNAL'): string => {
  if (!errors?.length) return 'OK';
  const code = errors[0]!.extensions?.code;
  return typeof code === 'string' ? code : fallback;
};

function operationOf(args: Pick<ExecutionArgs, 'document' | 'operationName'>): {
  name: string | null;
  type: OperationType;
  node: OperationDefinitionNode | null;
} {
  const node = getOperationAST(args.document, args.operationName ?? undefined);
  return { name: node?.name?.value ?? args.operationName ?? null, type: node?.operation ?? 'unknown', node: node ?? null };
}

/** HTTP operations: counted (and traced) from request start to response, by their formatted error code. */
export function operationObserverPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    // Authentication and rate-limit refusals happen while building the context, before any operation is known.
    async contextCreationDidFail({ error }) {
      observeOperation({ name: null, type: 'unknown', transport: 'http' })(codeOf([error as GraphQLError]));
    },
    async requestDidStart() {
      const startedAt = performance.now();
      let end: ((code: string) => void) | undefined;
      return {
        async didResolveOperation({ operation, operationName }) {
          end = observeOperation({ name: operationName, type: operation?.operation ?? 'unknown', transport: 'http', startedAt });
          nameActiveOperation(operation?.operation ?? 'unknown', operationName);
        },
        async willSendResponse({ response, document, request }) {
          // Not resolved (did not parse or validate): named after the document if it parsed.
          end ??= observeOperation({
            name: (document && getOperationAST(document, request.operationName)?.name?.value) ?? request.operationName,
            type: 'unknown',
            transport: 'http',
            startedAt,
          });
          const code = response.body.kind === 'single' ? codeOf(response.body.singleResult.errors) : 'OK';
          end(code);
          endActiveOperation(code);
        },
      };
    },
  };
}

interface SocketOperation {
  startedAt: number;
  topic?: string;
  trace?: ReturnType<typeof startSocketOperation>;
}

/**
 * Wraps graphql-ws server options so that every operation on a socket is
 * observed: queries and mutations until their result, subscriptions until
 * established (and counted per root field while they live). The given
 * hooks still run, after the observer's.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any server options, whatever their context and extra types
export function observeSocketOperations<O extends ServerOptions<any, any>>(options: O): O {
  const sockets = new WeakMap<object, Map<string, SocketOperation>>();
  const of = (extra: object) => {
    let ops = sockets.get(extra);
    if (!ops) sockets.set(extra, (ops = new Map()));
    return ops;
  };
  const { onSubscribe, onOperation, onError, onComplete } = options;
  // Each operation executes inside its own trace (when tracing is on).
  const traces = new WeakMap<object, NonNullable<SocketOperation['trace']>>();
  const inTrace = <T>(args: ExecutionArgs, fn: () => T): T => {
    const t = typeof args.contextValue === 'object' && args.contextValue !== null ? traces.get(args.contextValue) : undefined;
    return t ? t.run(fn) : fn();
  };
  const execute = options.execute ?? graphqlExecute;
  const subscribe = options.subscribe ?? graphqlSubscribe;
  return {
    ...options,
    async onSubscribe(ctx, id, payload) {
      const op: SocketOperation = { startedAt: performance.now() };
      of(ctx.extra as object).set(id, op);
      const args = await onSubscribe?.(ctx, id, payload);
      if (args && !Array.isArray(args)) {
        const { name, type } = operationOf(args as ExecutionArgs);
        op.trace = startSocketOperation(type, name);
        const contextValue = (args as ExecutionArgs).contextValue;
        if (op.trace && typeof contextValue === 'object' && contextValue !== null) traces.set(contextValue, op.trace);
      }
      return args;
    },
    execute: (args: ExecutionArgs) => inTrace(args, () => execute(args)),
    subscribe: (args: ExecutionArgs) => inTrace(args, () => subscribe(args)),
    onOperation(ctx, id, payload, args, result) {
      const op = of(ctx.extra as object).get(id);
      const { name, type, node } = operationOf(args);
      const end = observeOperation({ name, type, transport: 'ws', startedAt: op?.startedAt });
      if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
        end('OK');
        op?.trace?.end('OK');
        const root = node?.selectionSet.selections[0];
        const topic = root?.kind === 'Field' ? root.name.value : 'unknown';
        if (op) op.topic = topic;
        subscriptionStarted(topic);
      } else {
        const code = codeOf((result as { errors?: readonly GraphQLError[] }).errors);
        end(code);
        op?.trace?.end(code);
      }
      return onOperation?.(ctx, id, payload, args, result);
    },
    onError(ctx, id, payload, errors) {
      const ops = of(ctx.extra as object);
      const op = ops.get(id);
      // Errors before execution: the document did not parse or validate, or onSubscribe refused it.
      const code = codeOf(errors, 'BAD_USER_INPUT');
      observeOperation({ name: payload.operationName, type: 'unknown', transport: 'ws', startedAt: op?.startedAt })(code);
      op?.trace?.end(code);
      ops.delete(id);
      return onError?.(ctx, id, payload, errors);
    },
    onComplete(ctx, id, payload) {
      const ops = of(ctx.extra as object);
      const topic = ops.get(id)?.topic;
      if (topic) subscriptionEnded(topic);
      ops.delete(id);
      return onComplete?.(ctx, id, payload);
    },
  } as O;
}
