// Every chunk of the knowledge base must live in the vector space of the
// deployment's embedder: a query embedded by one model is meaningless (or of
// another length) against chunks embedded by another. The configured
// embedder can change between deployments (AI_PROVIDER, OPENAI_EMBEDDING_MODEL,
// LOCAL_EMBEDDING), so each API node and worker aligns the stored space on
// start:
//   - pgvector's column is typed with the embedder's dimension
//     (vector-column.ts);
//   - chunks embedded by another model lose their vector and their FAQ is
//     re-embedded through the knowledge.embed job (one job per FAQ and model:
//     processes starting together enqueue it once).
// Meanwhile those chunks are still found by BM25; the vector leg skips them
// (a NULL vector in pgvector, another length without it: see retrieve()).
import type { Logger } from 'pino';
import type { AiProviders } from '../../platform/ai.js';
import { forkFor, type Orm } from '../../platform/database.js';
import type { JobRunner } from '../../platform/queue.js';
import { embedFaqJob } from './embed.job.js';
import { EmbeddingStatus } from './faq.entity.js';
import { ensureVectorColumn } from './vector-column.js';

export interface EmbeddingSpaceDeps {
  orm: Orm;
  ai: AiProviders;
  jobs: JobRunner;
  logger: Logger;
}

export async function alignEmbeddingSpace({ orm, ai, jobs, logger }: EmbeddingSpaceDeps): Promise<{ resized: boolean; reembedding: number }> {
  const { embeddingModel: model, dimensions } = ai.embedder;
  const em = forkFor(orm, null);
  const { previous, resized } = await ensureVectorColumn(orm, dimensions);
  if (resized) logger.warn({ from: previous, to: dimensions, model }, 'knowledge vectors: column resized for the configured embedder');
  const stale = await em.execute<{ workspace_id: string; faq_id: string }[]>(
    'select distinct workspace_id, faq_id from knowledge_chunk where embedding_model <> ?',
    [model],
  );
  if (!stale.length) return { resized, reembedding: 0 };
  if (previous !== null) await em.execute('update knowledge_chunk set embedding_v = null where embedding_model <> ? and embedding_v is not null', [model]);
  await em.execute(`update faq set embedding_status = ? where id = any(?::uuid[])`, [EmbeddingStatus.PENDING, `{${stale.map((s) => s.faq_id).join(',')}}`]);
  for (const s of stale) {
    await jobs.enqueue(embedFaqJob, { workspaceId: s.workspace_id, faqId: s.faq_id }, { jobId: `${s.faq_id}:embed:${model}`, redrive: true });
  }
  logger.info({ faqs: stale.length, model }, 'knowledge vectors: re-embedding FAQs embedded by another model');
  return { resized, reembedding: stale.length };
}
