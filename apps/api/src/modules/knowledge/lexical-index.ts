// The BM25 index of a workspace's published chunks, kept in this process and
// rebuilt from the database when the knowledge base changes. A search reads a
// cheap stamp of the published chunks (count, newest chunk, newest FAQ edit)
// when the last reading is over STAMP_TTL_MS old: every node sees any node's
// change within that second, without a message bus, and rebuilds once per
// change. The index is a cache: losing it costs one rebuild (≈15 ms per 1k
// chunks).
import { LRUCache } from 'lru-cache';
import { FAQ_CHUNK_SEPARATOR, LexicalIndex, type LexicalDocument } from '@switchboard/ai';
import type { Em, Orm } from '../../platform/database.js';

/** How stale a node's view of the knowledge base may be. */
export const STAMP_TTL_MS = 1000;

/** Workspaces whose index a process keeps (least recently used ones are dropped). */
const MAX_WORKSPACES = 200;

export interface IndexedChunk {
  faqId: string;
  text: string;
}

export class WorkspaceIndex {
  private readonly chunks: Map<string, IndexedChunk>;
  private readonly lexical: LexicalIndex;

  constructor(rows: ChunkRow[]) {
    this.chunks = new Map(rows.map((r) => [r.id, { faqId: r.faq_id, text: r.text }]));
    this.lexical = new LexicalIndex(rows.map(toDocument));
  }

  get size() {
    return this.chunks.size;
  }

  chunk(id: string): IndexedChunk | undefined {
    return this.chunks.get(id);
  }

  search(query: string, limit: number) {
    return this.lexical.search(query, limit);
  }
}

interface ChunkRow {
  id: string;
  faq_id: string;
  text: string;
  question: string;
  /** The alternate questions, one per line. */
  alternates: string | null;
}

function toDocument(r: ChunkRow): LexicalDocument {
  const sep = r.text.indexOf(FAQ_CHUNK_SEPARATOR);
  return {
    id: r.id,
    faqId: r.faq_id,
    questions: r.alternates ? `${r.question}\n${r.alternates}` : r.question,
    // chunkFaq starts every chunk with the question: index it once, in the boosted field.
    body: sep >= 0 ? r.text.slice(sep + FAQ_CHUNK_SEPARATOR.length) : '',
  };
}

interface Entry {
  stamp: string;
  checkedAt: number;
  index: Promise<WorkspaceIndex>;
}

/** Per ORM, the most recently searched workspaces' indexes. */
const caches = new WeakMap<Orm, LRUCache<string, Entry>>();

const PUBLISHED = `from knowledge_chunk c join faq f on f.id = c.faq_id where c.workspace_id = ? and f.status = 'PUBLISHED'`;

async function stampOf(em: Em, workspaceId: string): Promise<string> {
  const [row] = await em.execute<{ n: number; c: string | Date | null; u: string | Date | null }[]>(
    `select count(*)::int as n, max(c.created_at) as c, max(f.updated_at) as u ${PUBLISHED}`,
    [workspaceId],
  );
  const t = (d: string | Date | null | undefined) => (d ? new Date(d).getTime() : 0);
  return `${row?.n ?? 0}:${t(row?.c)}:${t(row?.u)}`;
}

/** The current BM25 index of a workspace's published chunks. */
export async function lexicalIndexFor(orm: Orm, em: Em, workspaceId: string): Promise<WorkspaceIndex> {
  let cache = caches.get(orm);
  if (!cache) caches.set(orm, (cache = new LRUCache({ max: MAX_WORKSPACES })));
  let entry = cache.get(workspaceId);
  const now = Date.now();
  if (!entry || now - entry.checkedAt >= STAMP_TTL_MS) {
    const stamp = await stampOf(em, workspaceId);
    entry = cache.peek(workspaceId); // another search may have rebuilt it meanwhile
    if (entry?.stamp === stamp) entry.checkedAt = now;
    else {
      const index = em
        .execute<ChunkRow[]>(`select c.id, c.faq_id, c.text, f.question, array_to_string(f.alternate_questions, E'\\n') as alternates ${PUBLISHED}`, [
          workspaceId,
        ])
        .then((rows) => new WorkspaceIndex(rows));
      const fresh: Entry = { stamp, checkedAt: now, index };
      entry = fresh;
      // A failed build is not cached.
      index.catch(() => cache.peek(workspaceId) === fresh && cache.delete(workspaceId));
    }
  }
  cache.set(workspaceId, entry);
  return entry.index;
}
