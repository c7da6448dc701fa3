// The SSRF guard and the sender, over real sockets: which addresses are
// refused (and what the allow-list lets through), that the sender checks the
// address itself before connecting, reads at most RESPONSE_LIMIT bytes,
// follows no redirect and gives up at its deadline; and that the retry
// schedule spans more than a day with the production default.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseNetwork } from '../../platform/config.js';
import { AddressGuard, embeddedIpv4 } from './address-guard.js';
import { WEBHOOK_ATTEMPTS, webhookRetryDelayMs } from './deliver.job.js';
import { postWebhook, RESPONSE_LIMIT } from './webhook.sender.js';

const noAllowList = new AddressGuard([]);
const loopbackAllowed = new AddressGuard([parseNetwork('127.0.0.1/32')!]);

describe('AddressGuard', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
  ])('refuses %s', (address) => {
    expect(noAllowList.refusal(address)).toMatch(/non-public/);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(noAllowList.refusal(address)).toBeNull();
  });

  it('reads the IPv4 address inside mapped and NAT64 IPv6 addresses', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('::FFFF:169.254.169.254')).toBe('169.254.169.254');
    expect(embeddedIpv4('64:ff9b::a00:1')).toBe('10.0.0.1');
    expect(embeddedIpv4('2001:db8::1')).toBeNull();
    expect(embeddedIpv4('127.0.0.1')).toBeNull();
  });

  it('lets through only what the allow-list names', () => {
    expect(loopbackAllowed.refusal('127.0.0.1')).toBeNull();
    expect(loopbackAllowed.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(loopbackAllowed.refusal('127.0.0.2')).toMatch(/non-public/);
    expect(loopbackAllowed.refusal('10.0.0.1')).toMatch(/non-public/);
    expect(parseNetwork('10.0.0.0/33')).toBeNull();
    expect(parseNetwork('not-an-ip')).toBeNull();
  });

  it('resolves names and refuses one that resolves to loopback', async () => {
    await expect(noAllowList.resolve('localhost')).rejects.toThrow(/localhost resolves to .*non-public/);
    await expect(noAllowList.resolve('[::1]')).rejects.toThrow(/non-public/);
    await expect(noAllowList.resolve('does-not-exist.invalid')).rejects.toThrow(/does not resolve/);
  });
});

describe('postWebhook', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        if (req.url === '/big') return res.end('x'.repeat(1024 * 1024));
        if (req.url === '/redirect') {
          res.statusCode = 302;
          res.setHeader('location', '/ok');
          return res.end();
        }
        if (req.url === '/hang') return; // never answers
        res.end('fine');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const opts = (guard: AddressGuard, timeoutMs = 5_000) => ({ guard, timeoutMs, allowHttp: true });

  it('refuses before connecting when the address is not allowed (checked at send time)', async () => {
    const before = seen.length;
    const result = await postWebhook(`${base}/ok`, '{}', {}, opts(noAllowList));
    expect(result).toMatchObject({ ok: false, status: null, refused: true });
    expect(result.error).toMatch(/^refused: .*non-public/);
    const port = new URL(base).port;
    expect((await postWebhook(`http://localhost:${port}/ok`, '{}', {}, opts(noAllowList))).refused).toBe(true);
    expect(seen.length).toBe(before);
  });

  it('refuses http unless allowed', async () => {
    const result = await postWebhook(`${base}/ok`, '{}', {}, { guard: loopbackAllowed, timeoutMs: 5_000, allowHttp: false });
    expect(result).toMatchObject({ ok: false, refused: true, error: 'http: URLs are not allowed' });
  });

  it('delivers to an allowed address and reads at most RESPONSE_LIMIT bytes', async () => {
    expect(await postWebhook(`${base}/ok`, '{}', {}, opts(loopbackAllowed))).toMatchObject({ ok: true, status: 200, body: 'fine', error: null });
    const big = await postWebhook(`${base}/big`, '{}', {}, opts(loopbackAllowed));
    expect(big).toMatchObject({ ok: true, status: 200 });
    expect(big.body).toHaveLength(RESPONSE_LIMIT);
  });

  it('follows no redirect', async () => {
    const before = seen.length;
    expect(await postWebhook(`${base}/redirect`, '{}', {}, opts(loopbackAllowed))).toMatchObject({ ok: false, status: 302, error: 'HTTP 302' });
    expect(seen.slice(before)).toEqual(['/redirect']);
  });

  it('gives up at its deadline', async () => {
    const result = await postWebhook(`${base}/hang`, '{}', {}, opts(loopbackAllowed, 200));
    expect(result).toMatchObject({ ok: false, status: null, error: 'timed out after 200 ms' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(190);
  });
});

describe('webhook retry schedule', () => {
  const total = (random: () => number, baseMs = 60_000) =>
    Array.from({ length: WEBHOOK_ATTEMPTS - 1 }, (_, i) => webhookRetryDelayMs(i + 1, baseMs, random)).reduce((a, b) => a + b, 0);

  it('spans more than 24 hours with the default base, even with the shortest jitter', () => {
    expect(total(() => 0)).toBeGreaterThan(24 * 3600_000);
    expect(total(() => 0.999999)).toBeLessThan(48 * 3600_000);
  });

  it('doubles up to the cap, with ±20 % jitter', () => {
    const nominal = (retry: number) => webhookRetryDelayMs(retry, 1_000, () => 0.5);
    expect([1, 2, 3, 4].map(nominal)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(nominal(20)).toBe(360_000);
    expect(webhookRetryDelayMs(1, 1_000, () => 0)).toBe(800);
    expect(webhookRetryDelayMs(1, 1_000, () => 0.999999)).toBe(1_200);
  });
});
