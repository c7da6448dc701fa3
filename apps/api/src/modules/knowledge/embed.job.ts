// knowledge.embed: FAQ → chunks → embeddings, replacing the FAQ's previous
// chunks in one transaction. Idempotent (keyed by the FAQ id); archived FAQs
// lose their chunks.
import { chunkFaq } from '@switchboard/ai';
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { hasVectorSearch, vectorLiteral } from './retrieval.js';
import { EmbeddingStatus, Faq, FaqStatus } from './faq.entity.js';

export interface EmbedFaqData {
  workspaceId: string;
  faqId: string;
}

const realArray = (v: number[]) => `{${v.join(',')}}`;

export const embedFaqJob: JobDefinition<EmbedFaqData> = {
  name: 'knowledge.embed',
  queue: QUEUES.knowledge,
  async handle({ workspaceId, faqId }, ctx) {
    const em = forkFor(ctx.orm, workspaceId);
    const faq = await em.findOne(Faq, { id: faqId });
    if (!faq) return { skipped: 'deleted' };
    try {
      const chunks = faq.status === FaqStatus.ARCHIVED ? [] : await chunkFaq({ question: faq.question, answer: faq.answer });
      const provider = ctx.ai.embedder;
      const vectors = chunks.length ? await provider.embed(chunks) : [];
      const vector = await hasVectorSearch(ctx.orm, em);
      await em.transactional(async (tx) => {
        await tx.execute('delete from knowledge_chunk where faq_id = ?', [faqId]);
        for (let i = 0; i < chunks.length; i++) {
          const cols = 'id, workspace_id, faq_id, ordinal, text, embedding, embedding_model, created_at' + (vector ? ', embedding_v' : '');
          const params: unknown[] = [crypto.randomUUID(), workspaceId, faqId, i, chunks[i], realArray(vectors[i]!), provider.embeddingModel, new Date()];
          if (vector) params.push(vectorLiteral(vectors[i]!));
          await tx.execute(`insert into knowledge_chunk (${cols}) values (?, ?, ?, ?, ?, ?::real[], ?, ?${vector ? ', ?::vector' : ''})`, params);
        }
        await tx.nativeUpdate(Faq, { id: faqId }, { embeddingStatus: EmbeddingStatus.READY, embeddingError: null });
      });
      return { chunks: chunks.length };
    } catch (err) {
      if (ctx.lastAttempt) {
        await em.nativeUpdate(Faq, { id: faqId }, { embeddingStatus: EmbeddingStatus.FAILED, embeddingError: (err as Error).message.slice(0, 500) });
      }
      throw err;
    }
  },
};
