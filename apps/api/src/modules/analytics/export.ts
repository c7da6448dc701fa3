// Per-conversation export, streamed: rows are read in keyset-paged batches and
// written as they come (CSV through csv-stringify, or JSON Lines), never
// built in memory. The GraphQL mutation hands out a short-lived signed link.
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { SignJWT, jwtVerify } from 'jose';
import { forkFor, type Orm } from '../../platform/database.js';
import { unauthenticated } from '../../platform/errors.js';

export type ExportFormat = 'CSV' | 'JSONL';
const BATCH = 1000;
const LINK_TTL_SECONDS = 300;

export const EXPORT_COLUMNS = [
  'id',
  'created_at',
  'status',
  'mode',
  'channel',
  'priority',
  'assignee_id',
  'first_response_at',
  'resolved_at',
  'first_response_seconds',
  'resolution_seconds',
  'handoff_reason',
  'csat_score',
  'messages',
  'customer_messages',
  'agent_messages',
  'ai_messages',
  'ai_tokens',
] as const;

interface ExportClaims {
  wid: string;
  from: string;
  to: string;
  format: ExportFormat;
}

export async function signExportLink(secret: string, claims: ExportClaims): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + LINK_TTL_SECONDS * 1000);
  const token = await new SignJWT({ typ: 'export', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('switchboard')
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(new TextEncoder().encode(secret));
  return { token, expiresAt };
}

async function verifyExportLink(secret: string, token: string): Promise<ExportClaims> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { issuer: 'switchboard', algorithms: ['HS256'] });
    if (payload.typ !== 'export') throw new Error('wrong token type');
    return payload as unknown as ExportClaims;
  } catch {
    throw unauthenticated('Export link invalid or expired');
  }
}

/** Streams the export for a signed link to the HTTP response. */
export async function streamExport(orm: Orm, secret: string, token: string, res: Response): Promise<void> {
  const claims = await verifyExportLink(secret, token);
  const em = forkFor(orm, claims.wid);
  const csv = claims.format === 'CSV';
  res.setHeader('content-type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="conversations-${claims.from.slice(0, 10)}-${claims.to.slice(0, 10)}.${csv ? 'csv' : 'jsonl'}"`);
  const out = csv ? stringify({ header: true, columns: [...EXPORT_COLUMNS] }) : null;
  out?.pipe(res);
  const write = async (row: Record<string, unknown>) => {
    const ok = out ? out.write(row) : res.write(`${JSON.stringify(row)}\n`);
    if (!ok) await new Promise((r) => (out ?? res).once('drain', r));
  };
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const rows: Record<string, unknown>[] = await em.execute(
      `select c.id, c.created_at, c.status, c.mode, c.channel, c.priority, c.assignee_id, c.first_response_at, c.resolved_at,
              extract(epoch from c.first_response_at - c.created_at)::float8 as first_response_seconds,
              extract(epoch from c.resolved_at - c.created_at)::float8 as resolution_seconds,
              c.handoff_reason, c.csat_score,
              (select count(*) from message m where m.conversation_id = c.id and m.kind = 'MESSAGE')::int as messages,
              (select count(*) from message m where m.conversation_id = c.id and m.author_type = 'CUSTOMER')::int as customer_messages,
              (select count(*) from message m where m.conversation_id = c.id and m.author_type = 'AGENT' and m.kind = 'MESSAGE')::int as agent_messages,
              (select count(*) from message m where m.conversation_id = c.id and m.author_type = 'AI')::int as ai_messages,
              (select coalesce(sum(coalesce(m.prompt_tokens, 0) + coalesce(m.completion_tokens, 0)), 0) from message m where m.conversation_id = c.id)::int as ai_tokens
         from conversation c
        where c.workspace_id = ? and c.created_at >= ? and c.created_at < ?
          ${after ? 'and (c.created_at, c.id) > (?, ?)' : ''}
        order by c.created_at, c.id
        limit ${BATCH}`,
      after ? [claims.wid, claims.from, claims.to, after.at, after.id] : [claims.wid, claims.from, claims.to],
    );
    for (const row of rows) {
      await write(Object.fromEntries(EXPORT_COLUMNS.map((k) => [k, row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k]])));
    }
    if (rows.length < BATCH) break;
    const last = rows.at(-1)!;
    after = { at: last.created_at as Date, id: last.id as string };
  }
  if (out) {
    out.end();
    await new Promise((r) => res.once('finish', r));
  } else {
    res.end();
  }
}
