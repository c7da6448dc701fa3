// GET /attachments/:id?expires&signature — the signed download URLs that
// Attachment.url hands out. No Authorization header (browsers send none for
// <img src>): the signature is the permission, checked with its expiry.
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../platform/context.js';
import { forkFor } from '../../platform/database.js';
import { Attachment } from './attachment.entity.js';
import { isInlineType } from './attachment.service.js';
import { attachmentStorage } from './attachment.storage.js';
import { DOWNLOAD_PATH, verifyDownload } from './attachment.signing.js';

export { DOWNLOAD_PATH };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function refuse(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
function disposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function downloadAttachment(deps: AppDeps) {
  const storage = attachmentStorage(deps.config);
  return async (req: Request<{ id: string }>, res: Response) => {
    const id = req.params.id;
    const verdict = UUID.test(id) ? verifyDownload(deps.config.jwtSecret, id, req.query.expires, req.query.signature) : 'invalid';
    if (verdict === 'invalid') return refuse(res, 403, 'FORBIDDEN', 'Invalid attachment link');
    if (verdict === 'expired') return refuse(res, 403, 'FORBIDDEN', 'This attachment link has expired; reload the conversation for a new one');
    // The signature says who may read it; the row says which workspace it is in.
    const [attachment] = await forkFor(deps.orm, null).find(Attachment, { id }, { filters: false, limit: 1 });
    const stream = attachment ? await storage.get(attachment.storageKey) : null;
    if (!attachment || !stream) return refuse(res, 404, 'NOT_FOUND', 'Attachment not found');
    const expiresIn = Math.max(0, Number(req.query.expires) - Math.floor(Date.now() / 1000));
    res.setHeader('content-type', attachment.contentType);
    res.setHeader('content-length', String(attachment.size));
    res.setHeader('content-disposition', disposition(isInlineType(attachment.contentType) ? 'inline' : 'attachment', attachment.filename));
    res.setHeader('x-content-type-options', 'nosniff');
    // Served from the API's origin: nothing in it may run there.
    res.setHeader('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    res.setHeader('cache-control', `private, max-age=${expiresIn}, immutable`);
    res.setHeader('etag', `"${attachment.sha256}"`);
    await pipeline(stream, res);
  };
}

export const downloadRoute = `${DOWNLOAD_PATH}/:id`;
