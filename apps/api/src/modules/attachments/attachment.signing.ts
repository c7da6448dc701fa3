// Signed download URLs: `<img src>` and links work in a browser, which sends
// no Authorization header. The signature (HMAC-SHA256 with a key derived from
// the app secret) covers the attachment id and the expiry; whoever may read
// the message gets a URL, and it stops working after the TTL.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DOWNLOAD_PATH = '/attachments';
/** Expiries are rounded up to this, so repeated reads of a message give the same URL (and the browser's cache works). */
const ROUND_SECONDS = 300;

const keys = new Map<string, Buffer>();
function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createHmac('sha256', secret).update('switchboard:attachment-url').digest()));
  return key;
}

function signature(secret: string, id: string, expires: number): string {
  return createHmac('sha256', keyFor(secret)).update(`${id}.${expires}`).digest('base64url');
}

export function signedDownloadPath(secret: string, id: string, ttlSeconds: number, now = Date.now()): string {
  const expires = Math.ceil((now / 1000 + ttlSeconds) / ROUND_SECONDS) * ROUND_SECONDS;
  return `${DOWNLOAD_PATH}/${id}?expires=${expires}&signature=${signature(secret, id, expires)}`;
}

export type Verdict = 'ok' | 'expired' | 'invalid';

export function verifyDownload(secret: string, id: string, expires: unknown, sig: unknown, now = Date.now()): Verdict {
  if (typeof expires !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(expires)) return 'invalid';
  const expected = Buffer.from(signature(secret, id, Number(expires)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return Number(expires) * 1000 < now ? 'expired' : 'ok';
}
