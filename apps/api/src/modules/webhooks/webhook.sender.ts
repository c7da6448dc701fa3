// One webhook POST: to the address the guard checked (never a fresh DNS
// answer), within a deadline, reading at most RESPONSE_LIMIT bytes of the
// reply, following no redirects (a 3xx is a failed attempt like any non-2xx).
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { AddressGuard, UnresolvableHost, UnsafeAddress } from './address-guard.js';

/** What is kept of a response body (and all that is read of it). */
export const RESPONSE_LIMIT = 4 * 1024;
const USER_AGENT = 'Switchboard-Webhooks/1 (+https://www.standardwebhooks.com)';

// Kept-alive sockets are reused only for the same host and port, and were
// opened to an address that passed the guard.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export interface AttemptResult {
  /** 2xx. */
  ok: boolean;
  /** The response status; null when no response came (refused address, DNS, connection, timeout). */
  status: number | null;
  latencyMs: number;
  /** The first RESPONSE_LIMIT bytes of the body, as text. */
  body: string | null;
  error: string | null;
  /** The address was refused by the SSRF guard (or the URL's scheme by configuration). */
  refused: boolean;
}

export interface SendOptions {
  guard: AddressGuard;
  timeoutMs: number;
  allowHttp: boolean;
}

export async function postWebhook(target: string, body: string, headers: Record<string, string>, opts: SendOptions): Promise<AttemptResult> {
  const started = performance.now();
  const failed = (error: string, refused = false): AttemptResult => ({
    ok: false,
    status: null,
    latencyMs: Math.round(performance.now() - started),
    body: null,
    error,
    refused,
  });
  const url = new URL(target);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && opts.allowHttp)) return failed(`${url.protocol} URLs are not allowed`, true);
  let address: { address: string; family: 4 | 6 };
  try {
    [address] = (await opts.guard.resolve(url.hostname)) as [typeof address];
  } catch (err) {
    if (err instanceof UnsafeAddress) return failed(`refused: ${err.message}`, true);
    if (err instanceof UnresolvableHost) return failed(err.message);
    throw err;
  }
  // The connection goes to the checked address; Host and TLS SNI keep the name.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'latencyMs' | 'refused'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: Math.round(performance.now() - started), refused: false });
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup: pinned,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': USER_AGENT, ...headers },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const text = Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8');
          finish({ ok: status >= 200 && status < 300, status, body: text, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= RESPONSE_LIMIT) {
            // Enough: the rest of a large body is not read (the socket is not reused).
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', done);
        res.on('aborted', done);
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, body: null, error: `timed out after ${opts.timeoutMs} ms` });
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', (err) => finish({ ok: false, status: null, body: null, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(body);
  });
}
