// Fan-out without per-subscriber work: when many sockets hold the same
// subscription (same document, variables, role and workspace), each pub/sub
// event is executed once per node, its result serialized once, and every
// socket gets those same bytes. Events are routed by conversation, workspace
// or user, and the key carries the actor's kind, role and workspace, so
// sharing never crosses what a subscriber may see.
//
// Two paths:
//  - push sources (see push-source.ts, e.g. conversationEvents) on a socket
//    bound with bindTransport: each event reaches the subscriber
//    synchronously; the subscriber joins its key's batch for that event;
//    when the batch's (shared) result is ready, the `next` frame is written
//    straight to every socket in the batch. graphql-ws still owns the
//    protocol (subscribe, complete, errors, close): the iterator it gets
//    yields nothing and ends when the subscription does. Requires no
//    `onNext` hook (none is configured; it would be bypassed).
//  - anything else: an async iterator per subscriber, as graphql-ws expects,
//    still sharing one execution per event and key.
import { Repeater } from '@repeaterjs/repeater';
import { LRUCache } from 'lru-cache';
import {
  createSourceEventStream,
  execute,
  parse,
  print,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
  type ParseOptions,
  type Source,
  type ValidationRule,
  specifiedRules,
} from 'graphql';
import type { Context } from './context.js';
import { fanout } from './metrics.js';
import { isPushSource, PUSH, type PushSource } from './push-source.js';

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

/** One execution per event object and key. */
function sharedResult(args: ExecutionArgs, key: string, payload: unknown): Promise<ExecutionResult> {
  if (typeof payload !== 'object' || payload === null) return Promise.resolve().then(() => execute({ ...args, rootValue: payload }));
  let byKey = results.get(payload);
  if (!byKey) results.set(payload, (byKey = new Map()));
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = Promise.resolve().then(() => execute({ ...args, rootValue: payload }))));
  return result;
}

// ---------------------------------------------------------------- transport

/** What the push path needs of a graphql-ws socket (a `ws` WebSocket). */
export interface FrameSocket {
  readonly readyState: number;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }): void;
  close(code?: number, reason?: string): void;
}

interface Transport {
  socket: FrameSocket;
  /** The graphql-transport-ws subscription id. */
  id: string;
  /** How results leave the server (the operation pipeline's error formatting). */
  format?: (result: ExecutionResult) => FormattedExecutionResult;
}

const OPEN = 1;
const TEXT = { binary: false };
/**
 * Frames are written without waiting for the previous ones (as any broadcast
 * does); a socket this far behind is closed instead of buffering without
 * bound. Its client reconnects and resumes (conversationEvents by afterSeq).
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** 1013: Try Again Later. */
const TOO_FAR_BEHIND = 1013;
const transports = new WeakMap<object, Transport>();

/**
 * Marks a subscription's context as belonging to `id` on `socket`, so that
 * sharedSubscribe may write its `next` frames directly.
 */
export function bindTransport<C extends object>(context: C, socket: FrameSocket, id: string, format?: Transport['format']): C {
  transports.set(context, { socket, id, format });
  return context;
}

// ---------------------------------------------------------------- push path

/** One event's shared result for one key, serialized once. */
class Outcome {
  ready = false;
  failed: { err: unknown } | undefined;
  /** The `payload` of the next message, as JSON. */
  json = '';
  private frames: Map<string, Buffer> | undefined;

  constructor(
    readonly group: Group,
    result: Promise<ExecutionResult>,
    format?: Transport['format'],
  ) {
    result.then(
      (r) => {
        const { errors, ...rest } = r;
        // What graphql-ws would send after `onNext`: the result, its errors formatted like every other error.
        this.json = JSON.stringify(format ? format(r) : errors ? { ...rest, errors: errors.map((e: GraphQLError) => e.toJSON()) } : rest);
        this.ready = true;
        this.group.flush();
      },
      (err) => {
        this.failed = { err };
        this.ready = true;
        this.group.flush();
      },
    );
  }

  frame(id: string): Buffer {
    let frame = this.frames?.get(id);
    if (!frame) {
      frame = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":${this.json}}`);
      // Most sockets of a batch use the same few ids (clients number their subscriptions).
      if ((this.frames ??= new Map()).size < 64) this.frames.set(id, frame);
    }
    return frame;
  }
}

interface Batch {
  /** null: a `run` step (ready at once). */
  outcome: Outcome | null;
  recipients: PushSubscription[];
  run?: () => void;
}

/**
 * Sends for one key in the order events arrived: a batch goes out once its
 * result and every batch before it are ready, so each subscriber (always in
 * one key) gets its events in order.
 */
class Group {
  readonly batches: Batch[] = [];
  private head = 0;
  /** Subscriptions holding this group. */
  members = 0;
  /** Per event: its outcome for this key (the last one at hand: every member gets the same event in a row). */
  private readonly outcomes = new WeakMap<object, Outcome>();
  private lastPayload: unknown;
  private lastOutcome: Outcome | undefined;

  constructor(
    private readonly key: string,
    private readonly owner: Map<string, Group>,
  ) {}

  add(sub: PushSubscription, payload: unknown) {
    let outcome = payload === this.lastPayload ? this.lastOutcome : undefined;
    if (!outcome) {
      const isObject = typeof payload === 'object' && payload !== null;
      outcome = isObject ? this.outcomes.get(payload) : undefined;
      if (!outcome) {
        outcome = new Outcome(this, sharedResult(sub.args, this.key, payload), sub.format);
        if (isObject) this.outcomes.set(payload, outcome);
      }
      if (isObject) {
        this.lastPayload = payload;
        this.lastOutcome = outcome;
      }
    }
    const tail = this.batches.length > this.head ? this.batches[this.batches.length - 1] : undefined;
    // Join the last batch only: joining an earlier one could overtake this subscriber's previous event.
    if (tail && tail.outcome === outcome) tail.recipients.push(sub);
    else this.batches.push({ outcome, recipients: [sub] });
    // A subscriber that was catching up can ask for an event whose result is out already.
    if (outcome.ready) this.flush();
  }

  /** Runs `run` once everything queued for this key so far has gone out. */
  after(run: () => void) {
    this.batches.push({ outcome: null, recipients: [], run });
    this.flush();
  }

  flush() {
    while (this.head < this.batches.length) {
      const batch = this.batches[this.head]!;
      const { outcome } = batch;
      if (outcome && !outcome.ready) return;
      this.batches[this.head++] = undefined as never;
      if (!outcome) batch.run!();
      else if (outcome.failed) for (const sub of batch.recipients) sub.fail(outcome.failed.err);
      else for (const sub of batch.recipients) sub.deliver(outcome);
    }
    this.batches.length = this.head = 0;
    this.lastPayload = this.lastOutcome = undefined;
    this.release(0);
  }

  /** Forgets this group once it has neither members nor anything to send. */
  release(members: number) {
    this.members -= members;
    if (this.members === 0 && this.head === this.batches.length && this.owner.get(this.key) === this) this.owner.delete(this.key);
  }
}

/** One group per key with subscribers (or sends pending) on this node. */
const groups = new Map<string, Group>();

function joinGroup(key: string): Group {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new Group(key, groups)));
  group.members += 1;
  return group;
}

/**
 * What graphql-ws iterates for a push subscription: yields nothing (frames
 * go straight to the socket), ends when the source completes or the client
 * goes away, throws when the source fails.
 */
class PushSubscription implements AsyncIterableIterator<ExecutionResult> {
  readonly format: Transport['format'];
  private done = false;
  private failure: { err: unknown } | undefined;
  private waiting: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (err: unknown) => void } | undefined;
  private stop: (() => void) | undefined;
  private readonly group: Group;

  constructor(
    readonly args: ExecutionArgs,
    key: string,
    private readonly transport: Transport,
    source: PushSource<unknown>,
  ) {
    this.format = transport.format;
    this.group = joinGroup(key);
    let stop: () => void;
    try {
      stop = this.attach(source);
    } catch (err) {
      this.done = true;
      this.group.release(1);
      throw err;
    }
    if (this.done) stop();
    else this.stop = stop;
  }

  private attach(source: PushSource<unknown>) {
    return source[PUSH]({
      next: (payload) => {
        if (!this.done) this.group.add(this, payload);
      },
      // Both wait for what is already queued, as an async iterator would.
      error: (err) => {
        if (!this.done) this.group.after(() => this.fail(err));
      },
      complete: () => {
        if (!this.done) this.group.after(() => this.finish());
      },
    });
  }

  deliver(outcome: Outcome) {
    if (this.done) return;
    const { socket, id } = this.transport;
    if (socket.readyState !== OPEN) {
      fanout.dropped += 1;
      return;
    }
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      fanout.dropped += 1;
      socket.close(TOO_FAR_BEHIND, 'Subscriber too far behind');
    } else {
      fanout.sent += 1;
      socket.send(outcome.frame(id), TEXT);
    }
  }

  fail(err: unknown) {
    if (this.done) return;
    this.failure = { err };
    this.finish();
  }

  private finish() {
    if (this.done) return;
    this.done = true;
    this.group.release(1);
    const stop = this.stop;
    this.stop = undefined;
    stop?.();
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    if (this.failure) {
      const { err } = this.failure;
      this.failure = undefined;
      w.reject(err);
    } else w.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.failure) {
      const { err } = this.failure;
      this.failure = undefined;
      return Promise.reject(err);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.failure = undefined;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.failure = undefined;
    this.finish();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

// ---------------------------------------------------------------- entry point

export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  const key = keyOf(args);
  const transport = typeof args.contextValue === 'object' && args.contextValue !== null ? transports.get(args.contextValue) : undefined;
  if (transport && isPushSource(stream)) return new PushSubscription(args, key, transport, stream);
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const source = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const ended = stop.then(() => ({ done: true as const, value: undefined }));
    try {
      for (;;) {
        const next = await Promise.race([source.next(), ended]);
        if (next.done) break;
        await push(await sharedResult(args, key, next.value));
      }
    } catch (err) {
      stop(err);
    } finally {
      await source.return?.();
    }
  });
}

// ---------------------------------------------------------------- documents

/** Cache bounds: entries, and characters of query text in all (an AST is some 20-50 bytes per character). */
const DOCUMENT_CACHE_ENTRIES = 500;
const DOCUMENT_CACHE_CHARS = 500_000;
/** Larger documents are parsed per subscription (they are rare, and would crowd the cache). */
const DOCUMENT_CACHE_MAX_CHARS = 20_000;

export interface DocumentChecks {
  /** Parser limits (the guards' token limit). */
  parseOptions?: ParseOptions;
  /** Validation rules on top of graphql-js's own (the guards' depth, alias and directive limits). */
  rules?: readonly ValidationRule[];
  /** Validation stops after this many errors. */
  maxErrors?: number;
}

/**
 * graphql-ws's `parse` and `validate` for one server, with the same limits as
 * HTTP requests: one DocumentNode per distinct query text (thousands of
 * sockets sending the same subscription share it; a parsed document is
 * read-only to graphql-js), bounded, least recently used first out; and one
 * validation per cached document.
 */
export function createDocumentCache({ parseOptions, rules = [], maxErrors }: DocumentChecks = {}) {
  const documents = new LRUCache<string, DocumentNode>({
    max: DOCUMENT_CACHE_ENTRIES,
    maxSize: DOCUMENT_CACHE_CHARS,
    sizeCalculation: (_document, text) => text.length,
  });
  const validations = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>();
  const allRules = [...specifiedRules, ...rules];
  return {
    parse(source: string | Source): DocumentNode {
      if (typeof source !== 'string' || source.length > DOCUMENT_CACHE_MAX_CHARS) return parse(source, parseOptions);
      let document = documents.get(source);
      if (!document) documents.set(source, (document = parse(source, parseOptions)));
      return document;
    },
    validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
      let bySchema = validations.get(schema);
      if (!bySchema) validations.set(schema, (bySchema = new WeakMap()));
      let errors = bySchema.get(document);
      if (!errors) bySchema.set(document, (errors = validate(schema, document, allRules, maxErrors === undefined ? undefined : { maxErrors })));
      return errors;
    },
  };
}
