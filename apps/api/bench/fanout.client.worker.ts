// WebSocket subscribers for bench/fanout.ts, run in worker threads so that
// the load generator shares an event loop with neither the server under test
// (a separate process) nor the orchestrator that sends the messages.
//
// Speaks graphql-transport-ws by hand (connection_init, subscribe, next) with
// plain `ws` sockets: a graphql-ws Client per socket would cost the load
// generator more than the thing it measures. `raw` sockets just listen.
// Each delivered frame is parsed, the send timestamp is read from the message
// body (`… t=<epoch ms> …`) and send→receive latency recorded.
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

export interface ClientSpec {
  /** ws://host:port/graphql */
  url: string;
  protocol: 'graphql' | 'raw';
  count: number;
  token: string;
  query: string;
  variables: Record<string, unknown>;
  /** Sockets being opened at once by this worker. */
  connectConcurrency: number;
  /** Source address to spread sockets over 127.0.0.x (ephemeral ports). */
  localAddress?: string;
}

export type ClientCommand =
  | { cmd: 'connect' }
  | { cmd: 'status' }
  /** Measure seqs from..from+messages-1 (each at most once per socket, in any order). */
  | { cmd: 'measure'; from: number; messages: number }
  | { cmd: 'collect' }
  | { cmd: 'close' };

export interface ClientStatus {
  opened: number;
  /** graphql: connection_ack received and subscribe sent; raw: open. */
  subscribed: number;
  failed: number;
  closedEarly: number;
  /** Sockets that received at least one event (probe or measured). */
  gotEvent: number;
  /** Measured deliveries (seq >= measure.from), duplicates excluded. */
  measured: number;
  duplicates: number;
  errors: number;
  errorSamples: string[];
  frameBytes: number;
}

export interface ClientResult extends ClientStatus {
  latencies: Float64Array;
  firstReceive: number;
  lastReceive: number;
}

const now = () => performance.timeOrigin + performance.now();
const TS = /t=(\d+(?:\.\d+)?)/;

function run(spec: ClientSpec) {
  const sockets: WebSocket[] = [];
  const seen = new Uint8Array(spec.count);
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureCount = 0;
  let got = new Uint8Array(0); // socket i, seq s -> got[i * measureCount + s - measureFrom]
  let latencies = new Float64Array(1024);
  let nLat = 0;
  const status: ClientStatus = {
    opened: 0,
    subscribed: 0,
    failed: 0,
    closedEarly: 0,
    gotEvent: 0,
    measured: 0,
    duplicates: 0,
    errors: 0,
    errorSamples: [],
    frameBytes: 0,
  };
  let firstReceive = 0;
  let lastReceive = 0;
  let closing = false;
  const problem = (msg: string) => {
    status.errors += 1;
    if (status.errorSamples.length < 5) status.errorSamples.push(msg.slice(0, 300));
  };

  const onEvent = (i: number, text: string, seq: number, body: string) => {
    const t = now();
    if (!seen[i]) {
      seen[i] = 1;
      status.gotEvent += 1;
    }
    if (seq < measureFrom || seq >= measureFrom + measureCount) return;
    const slot = i * measureCount + seq - measureFrom;
    if (got[slot]) {
      status.duplicates += 1;
      return;
    }
    got[slot] = 1;
    const m = TS.exec(body);
    if (!m) return problem(`no timestamp in ${body.slice(0, 80)}`);
    if (nLat === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[nLat++] = t - Number(m[1]);
    status.measured += 1;
    if (!firstReceive) firstReceive = t;
    lastReceive = t;
    if (!status.frameBytes) status.frameBytes = Buffer.byteLength(text);
  };

  const open = (i: number) =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(spec.url, spec.protocol === 'graphql' ? 'graphql-transport-ws' : undefined, {
        perMessageDeflate: false,
        handshakeTimeout: 30_000,
        ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
      });
      sockets[i] = ws;
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      ws.on('open', () => {
        status.opened += 1;
        if (spec.protocol === 'graphql') {
          ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${spec.token}` } }));
        } else {
          status.subscribed += 1;
          settle();
        }
      });
      ws.on('message', (data) => {
        const text = data.toString();
        let msg: any;
        try {
          msg = JSON.parse(text);
        } catch {
          return problem(`bad frame ${text.slice(0, 80)}`);
        }
        switch (msg.type) {
          case 'connection_ack':
            ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: spec.query, variables: spec.variables } }));
            status.subscribed += 1;
            settle();
            return;
          case 'ping':
            ws.send('{"type":"pong"}');
            return;
          case 'pong':
            return;
          case 'next': {
            if (msg.payload?.errors) return problem(`next with errors: ${JSON.stringify(msg.payload.errors)}`);
            const ev = msg.payload?.data?.conversationEvents;
            if (ev?.__typename !== 'MessageAdded') return; // other event kinds are not measured
            onEvent(i, text, ev.message.seq, ev.message.body);
            return;
          }
          case 'error':
            return problem(`error: ${JSON.stringify(msg.payload)}`);
          case 'complete':
            return problem('server completed the subscription');
          default:
            return problem(`unexpected frame ${text.slice(0, 80)}`);
        }
      });
      ws.on('error', (err) => {
        if (!settled) status.failed += 1;
        problem(`socket error: ${err.message}`);
        settle();
      });
      ws.on('close', (code, reason) => {
        if (!closing) {
          status.closedEarly += 1;
          problem(`closed by server: ${code} ${reason.toString()}`);
        }
        settle();
      });
    });

  const connect = async () => {
    let next = 0;
    const lane = async () => {
      while (next < spec.count) await open(next++);
    };
    await Promise.all(Array.from({ length: Math.min(spec.connectConcurrency, spec.count) }, lane));
  };

  const close = async () => {
    closing = true;
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 5000);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
            else ws.close(1000);
          }),
      ),
    );
  };

  const snapshot = (): ClientStatus => ({ ...status, errorSamples: [...status.errorSamples] });

  parentPort!.on('message', async (m: ClientCommand) => {
    switch (m.cmd) {
      case 'connect':
        await connect();
        parentPort!.postMessage({ kind: 'connected', status: snapshot() });
        return;
      case 'status':
        parentPort!.postMessage({ kind: 'status', status: snapshot() });
        return;
      case 'measure':
        measureFrom = m.from;
        measureCount = m.messages;
        got = new Uint8Array(spec.count * m.messages);
        parentPort!.postMessage({ kind: 'measuring' });
        return;
      case 'collect': {
        const result: ClientResult = { ...snapshot(), latencies: latencies.slice(0, nLat), firstReceive, lastReceive };
        parentPort!.postMessage({ kind: 'result', result }, [result.latencies.buffer as ArrayBuffer]);
        return;
      }
      case 'close':
        await close();
        parentPort!.postMessage({ kind: 'closed' });
        return;
    }
  });
}

if (parentPort && workerData) run(workerData as ClientSpec);
