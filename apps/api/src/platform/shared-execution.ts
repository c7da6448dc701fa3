// Fan-out without per-subscriber work: when many sockets hold the same
// subscription (same document, variables, role and workspace), each pub/sub
// event is executed once per node and every socket gets that same result.
// Events are routed by conversation, workspace or user, and the key carries
// the actor's kind, role and workspace, so sharing never crosses what a
// subscriber may see.
import { Repeater } from '@repeaterjs/repeater';
import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Context } from './context.js';

const printed = new WeakMap<DocumentNode, string>();
const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

function keyOf(args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  const { actor } = args.contextValue as Context;
  const who =
    actor.kind === 'user'
      ? `user:${actor.role}:${actor.workspaceId}`
      : actor.kind === 'customer'
        ? `customer:${actor.conversationId}`
        : actor.kind === 'apiKey'
          ? `apiKey:${actor.workspaceId}:${[...actor.scopes].sort().join(',')}`
          : actor.kind;
  return `${who}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${text}`;
}

export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  const key = keyOf(args);
  const run = (payload: unknown): Promise<ExecutionResult> => {
    if (typeof payload !== 'object' || payload === null) return Promise.resolve(execute({ ...args, rootValue: payload }));
    let byKey = results.get(payload);
    if (!byKey) results.set(payload, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) byKey.set(key, (result = Promise.resolve(execute({ ...args, rootValue: payload }))));
    return result;
  };
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const source = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const ended = stop.then(() => ({ done: true as const, value: undefined }));
    try {
      for (;;) {
        const next = await Promise.race([source.next(), ended]);
        if (next.done) break;
        await push(await run(next.value));
      }
    } catch (err) {
      stop(err);
    } finally {
      await source.return?.();
    }
  });
}
