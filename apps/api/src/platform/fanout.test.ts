// The fan-out pieces on their own: shared reads, push sources, and the push
// path of sharedSubscribe (frames written straight to sockets, in order).
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionArgs } from 'graphql';
import { FreshReads } from './fresh-reads.js';
import { pushSource, type PushSink } from './push-source.js';
import { bindTransport, createDocumentCache, MAX_BUFFERED_BYTES, sharedSubscribe, type FrameSocket } from './shared-execution.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('FreshReads', () => {
  it('shares a read among callers that arrive before it starts, and never hands out an older one', async () => {
    const reads = new FreshReads<string, number>();
    let started = 0;
    const gates: ((n: number) => void)[] = [];
    const load = () => {
      started += 1;
      return new Promise<number>((resolve) => gates.push(resolve));
    };
    const a = reads.read('k', load);
    const b = reads.read('k', load);
    await tick();
    expect(started).toBe(1);
    // Arrives while the first read is in flight: gets the next one, started after it.
    const c = reads.read('k', load);
    const d = reads.read('k', load);
    const other = reads.read('other', load);
    await tick();
    expect(started).toBe(2); // 'k' #1 and 'other'
    gates[0]!(1);
    await tick();
    expect(started).toBe(3);
    gates[1]!(10);
    gates[2]!(2);
    expect(await Promise.all([a, b, c, d, other])).toEqual([1, 1, 2, 2, 10]);
  });

  it('passes a failure to the callers of that read only', async () => {
    const reads = new FreshReads<string, number>();
    await expect(reads.read('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await reads.read('k', async () => 3)).toBe(3);
  });
});

describe('pushSource', () => {
  it('iterates in order, buffers, and stops the source on return()', async () => {
    let sink: PushSink<number> | undefined;
    let stopped = false;
    const source = pushSource<number>((s) => {
      sink = s;
      return () => void (stopped = true);
    });
    const it = source[Symbol.asyncIterator]();
    const first = it.next();
    sink!.next(1);
    sink!.next(2);
    sink!.next(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: 2, done: false });
    expect(await it.next()).toEqual({ value: 3, done: false });
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(stopped).toBe(true);
  });

  it('delivers what came before an error, then throws it', async () => {
    let sink: PushSink<number> | undefined;
    const it = pushSource<number>((s) => ((sink = s), () => {}))[Symbol.asyncIterator]();
    const first = it.next();
    sink!.next(1);
    sink!.error(new Error('boom'));
    expect(await first).toEqual({ value: 1, done: false });
    await expect(it.next()).rejects.toThrow('boom');
  });
});

describe('sharedSubscribe, push path', () => {
  // A subscription whose events resolve after `delay` ms: later events may be ready first.
  let sinks: PushSink<{ n: number; delay: number }>[] = [];
  let executions = 0;
  const Event = new GraphQLObjectType({
    name: 'Event',
    fields: { n: { type: GraphQLInt }, who: { type: GraphQLString } },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        events: {
          type: Event,
          subscribe: () =>
            pushSource<{ n: number; delay: number }>((sink) => {
              sinks.push(sink);
              return () => {
                sinks = sinks.filter((s) => s !== sink);
              };
            }),
          resolve: async (event: { n: number; delay: number }, _args, ctx: { actor: { kind: string; role?: string } }) => {
            executions += 1;
            await new Promise((r) => setTimeout(r, event.delay));
            if (event.n < 0) throw new Error('bad event');
            return { n: event.n, who: ctx.actor.role };
          },
        },
      },
    }),
  });
  const document = parse('subscription { events { n who } }');

  class FakeSocket implements FrameSocket {
    readyState = 1;
    bufferedAmount = 0;
    frames: any[] = [];
    closed: [number?, string?] | undefined;
    send(data: Buffer, options: { binary: boolean }) {
      expect(options.binary).toBe(false);
      this.frames.push(JSON.parse(data.toString()));
    }
    close(code?: number, reason?: string) {
      this.closed = [code, reason];
      this.readyState = 2;
    }
  }

  const subscribe = async (socket: FakeSocket, id: string, role = 'AGENT') => {
    const context = bindTransport({ actor: { kind: 'user', role, workspaceId: 'w1', userId: `u-${id}` } }, socket, id);
    const args: ExecutionArgs = { schema, document, contextValue: context };
    return (await sharedSubscribe(args)) as AsyncIterableIterator<unknown>;
  };
  const publish = (event: { n: number; delay: number }) => {
    for (const sink of [...sinks]) sink.next(event);
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await tick();
    expect(check()).toBe(true);
  };

  beforeEach(() => {
    sinks = [];
    executions = 0;
  });

  it('executes once per event and key, writes each socket its frames in order, and stops on return()', async () => {
    const sockets = Array.from({ length: 5 }, () => new FakeSocket());
    const subs = await Promise.all(sockets.map((s, i) => subscribe(s, `op${i % 2}`)));
    const admin = new FakeSocket();
    const adminSub = await subscribe(admin, 'a', 'ADMIN');
    const ended = subs.map((s) => s.next());
    publish({ n: 1, delay: 40 });
    publish({ n: 2, delay: 0 });
    publish({ n: 3, delay: 10 });
    await until(() => [...sockets, admin].every((s) => s.frames.length === 3));
    expect(executions).toBe(6); // 3 events x 2 keys (AGENT, ADMIN)
    sockets.forEach((s, i) => {
      expect(s.frames).toEqual([1, 2, 3].map((n) => ({ id: `op${i % 2}`, type: 'next', payload: { data: { events: { n, who: 'AGENT' } } } })));
    });
    expect(admin.frames.map((f) => f.payload.data.events)).toEqual([1, 2, 3].map((n) => ({ n, who: 'ADMIN' })));

    await subs[0]!.return!();
    expect(await ended[0]).toEqual({ value: undefined, done: true });
    publish({ n: 4, delay: 0 });
    await until(() => sockets[1]!.frames.length === 4);
    expect(sockets[0]!.frames.length).toBe(3);
    expect(sinks.length).toBe(5);
    for (const s of [...subs.slice(1), adminSub]) await s.return!();
    expect(sinks.length).toBe(0);
  });

  it('sends an event at once to a subscriber that asks for it after its result went out', async () => {
    const first = new FakeSocket();
    const late = new FakeSocket();
    const subs = [await subscribe(first, 'a'), await subscribe(late, 'b')];
    const [firstSink, lateSink] = sinks;
    const event = { n: 7, delay: 0 };
    firstSink!.next(event);
    await until(() => first.frames.length === 1);
    lateSink!.next(event); // e.g. from its backlog, after a database read
    await until(() => late.frames.length === 1);
    expect(late.frames[0].payload).toEqual(first.frames[0].payload);
    expect(executions).toBe(1);
    for (const s of subs) await s.return!();
  });

  it('sends result errors like graphql-ws does, and ends with the source’s error after what was queued', async () => {
    const socket = new FakeSocket();
    const sub = await subscribe(socket, 'x');
    const end = sub.next();
    publish({ n: -1, delay: 0 });
    publish({ n: 5, delay: 30 });
    sinks[0]!.error(new Error('source failed'));
    await expect(end).rejects.toThrow('source failed');
    expect(socket.frames.length).toBe(2);
    expect(socket.frames[0]).toMatchObject({
      id: 'x',
      type: 'next',
      payload: { data: { events: null }, errors: [{ message: 'bad event', path: ['events'] }] },
    });
    expect(socket.frames[1].payload).toEqual({ data: { events: { n: 5, who: 'AGENT' } } });
    expect(sinks.length).toBe(0);
  });

  it('writes nothing to a socket that is no longer open, and closes one that is too far behind', async () => {
    const socket = new FakeSocket();
    const sub = await subscribe(socket, 'y');
    socket.readyState = 3;
    publish({ n: 1, delay: 0 });
    await tick();
    expect(socket.frames).toEqual([]);
    await sub.return!();

    const slow = new FakeSocket();
    const slowSub = await subscribe(slow, 'z');
    slow.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    publish({ n: 2, delay: 0 });
    await until(() => slow.closed !== undefined);
    expect(slow.closed).toEqual([1013, 'Subscriber too far behind']);
    expect(slow.frames).toEqual([]);
    await slowSub.return!();
  });
});

describe('document cache', () => {
  const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt } } }) });

  it('parses and validates each query text once, keeping locations for error messages', () => {
    const { parse: cachedParse, validate: cachedValidate } = createDocumentCache();
    const text = '{ ok }';
    const doc = cachedParse(text);
    expect(cachedParse(`${text}`)).toBe(doc);
    expect(doc.loc).toBeDefined();
    expect(cachedValidate(schema, doc)).toEqual([]);
    const bad = cachedParse('{ nope }');
    const errors = cachedValidate(schema, bad);
    expect(errors[0]!.locations).toEqual([{ line: 1, column: 3 }]);
    expect(cachedValidate(schema, bad)).toBe(errors);
    expect(() => cachedParse('{ ok')).toThrow(/Syntax Error/);
  });

  it('keeps the 500 most recently used texts, within 500,000 characters, and parses larger texts each time', () => {
    const { parse: cachedParse } = createDocumentCache();
    const text = (i: number) => `{ a${i}: ok }`;
    const first = cachedParse(text(0));
    const second = cachedParse(text(1));
    for (let i = 2; i < 500; i++) cachedParse(text(i));
    expect(cachedParse(text(0))).toBe(first); // now the most recently used
    cachedParse(text(500)); // one over the entry bound: the least recently used goes
    expect(cachedParse(text(0))).toBe(first);
    expect(cachedParse(text(1))).not.toBe(second);

    // 20,000 characters at most are cached per text, 500,000 in all.
    const padded = (i: number) => `{ b${i}: ok }`.padEnd(20_000, ' ');
    const oldest = cachedParse(padded(0));
    const next = cachedParse(padded(1));
    for (let i = 2; i < 25; i++) cachedParse(padded(i));
    expect(cachedParse(padded(1))).toBe(next);
    cachedParse(padded(25)); // 26 × 20,000 characters: the least recently used large ones make room
    expect(cachedParse(padded(1))).toBe(next);
    expect(cachedParse(padded(0))).not.toBe(oldest);

    const large = `{ ok }`.padEnd(20_001, ' ');
    expect(cachedParse(large)).not.toBe(cachedParse(large));
  });

  it('applies the same limits as HTTP requests: tokens, extra rules and a cap on errors', () => {
    const { parse: limitedParse, validate: limitedValidate } = createDocumentCache({ parseOptions: { maxTokens: 20 }, rules: [], maxErrors: 3 });
    expect(() => limitedParse(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: ok`).join(' ')} }`)).toThrow(/tokens/);
    const errors = limitedValidate(schema, limitedParse('{ a b c d e }'));
    expect(errors.length).toBe(4); // 3, then "Too many validation errors"
  });
});
