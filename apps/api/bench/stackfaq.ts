// The StackFAQ dev/held-out split used by every figure we report: each FAQ
// has five paraphrases in queries.dev.json (grouped, in order); the fifth of
// each group is held out (125 queries) and never used to choose a weight, a
// threshold or a coefficient; the other four (500) are the dev split.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AiProviders } from '../src/platform/ai.js';
import { loadConfig } from '../src/platform/config.js';
import { forkFor, migrate, type Orm } from '../src/platform/database.js';
import { createOrm } from '../src/app/database.js';
import { createLogger } from '../src/platform/logger.js';
import { createAppPubSub } from '../src/platform/pubsub.js';
import { InProcessJobRunner } from '../src/platform/jobs.js';
import { embedFaqJob } from '../src/modules/knowledge/embed.job.js';
import { alignEmbeddingSpace } from '../src/modules/knowledge/embedding-space.js';
import { Faq, FaqStatus } from '../src/modules/knowledge/faq.entity.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
export type StackfaqSplit = 'dev' | 'heldOut';

export const stackfaqSplit = (queryIndex: number): StackfaqSplit => (queryIndex % 5 === 4 ? 'heldOut' : 'dev');

export const STACKFAQ_DIR = process.env.BENCH_STACKFAQ_DIR ?? resolve(import.meta.dirname, '../../../../shared/data/stackfaq');

export interface StackfaqQuery {
  query: string;
  faqId: string;
}

/**
 * Embedded PGlite with the StackFAQ FAQs published and embedded by the real
 * knowledge.embed handler (local provider), as the API would.
 */
export async function seedStackfaq() {
  if (!existsSync(resolve(STACKFAQ_DIR, 'faqs.json'))) throw new Error(`StackFAQ data not found in ${STACKFAQ_DIR} (set BENCH_STACKFAQ_DIR)`);
  const faqs = JSON.parse(readFileSync(resolve(STACKFAQ_DIR, 'faqs.json'), 'utf8')) as { id: string; question: string; answer: string }[];
  const queries = JSON.parse(readFileSync(resolve(STACKFAQ_DIR, 'queries.dev.json'), 'utf8')) as StackfaqQuery[];
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: 'memory://',
    AI_PROVIDER: 'local',
    AI_AUTO_REPLY: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    ...(process.env.LOCAL_EMBEDDING ? { LOCAL_EMBEDDING: process.env.LOCAL_EMBEDDING } : {}),
  });
  const pubSub = createAppPubSub();
  const orm: Orm = await createOrm({ dataDir: 'memory://' });
  await migrate(orm);
  const deps = { orm, logger: createLogger('silent'), pubSub: pubSub.pubSub, config, ai: new AiProviders(config) };
  const runner = new InProcessJobRunner(deps, new Map());
  await alignEmbeddingSpace({ ...deps, jobs: runner });
  const em = forkFor(orm, null);
  const workspace = em.create(Workspace, { name: 'StackFAQ' });
  const now = new Date();
  const rows = faqs.map((f) =>
    em.create(Faq, { workspace, question: f.question.slice(0, 500), answer: f.answer, status: FaqStatus.PUBLISHED, publishedAt: now }),
  );
  await em.flush();
  for (const f of rows) await embedFaqJob.handle({ workspaceId: workspace.id, faqId: f.id }, { ...deps, jobs: runner, attempt: 0, lastAttempt: true });
  await em.getConnection().execute('analyze');
  const datasetId = new Map(rows.map((r, i) => [r.id, faqs[i]!.id]));
  return {
    orm,
    deps,
    workspaceId: workspace.id,
    faqs,
    queries,
    /** Our FAQ id → the dataset's id. */
    datasetId,
    async close() {
      await orm.close(true);
      await pubSub.close();
    },
  };
}
