// Changing the deployment's embedder (here LOCAL_EMBEDDING, hashed ⇄ semantic;
// the same holds for AI_PROVIDER or OPENAI_EMBEDDING_MODEL) on an existing
// knowledge base: on restart the stored vectors are moved to the new space
// (pgvector's column retyped, every FAQ re-embedded by the job) and search
// works in it, on PGlite and on a PostgreSQL server alike.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/scratch-database.js';
import { eventually, startTestServer, type TestServer } from '../../../test/testkit.js';
import { vectorColumnDimensions } from './vector-column.js';

describe('embedding space follows the configured embedder across restarts', () => {
  let dir: string;
  let db: ScratchDatabase | null = null;
  let t: TestServer | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-embedding-space-'));
    if (process.env.DATABASE_URL) db = await createScratchDatabase(process.env.DATABASE_URL, 'sb_test');
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (localEmbedding: 'hashed' | 'semantic') =>
    startTestServer({ DATA_DIR: dir, ...(db ? { DATABASE_URL: db.url } : {}), LOCAL_EMBEDDING: localEmbedding, RUN_WORKERS: 'true' });

  const chunkState = async (server: TestServer) =>
    (await server.sql(
      `select c.embedding_model as model, cardinality(c.embedding) as dims, f.embedding_status as status, count(*)::int as n
         from knowledge_chunk c join faq f on f.id = c.faq_id group by 1, 2, 3 order by 1`,
    )) as { model: string; dims: number; status: string; n: number }[];

  it('re-embeds the base in the new space and searches it there', async () => {
    t = await start('hashed');
    const ws = await t.createWorkspace('Embedding space');
    const faqs = [
      ['How do I reset my password?', 'Click "Forgot password" on the sign-in page and follow the link we email you.'],
      ['Which payment methods do you accept?', 'We accept Visa, Mastercard, American Express and SEPA direct debit.'],
    ];
    const ids: string[] = [];
    for (const [q, a] of faqs) {
      const created = await t.gql(`mutation($q: String!, $a: String!) { createFaq(input: {question: $q, answer: $a}) { id } }`, { q, a }, ws.token);
      expect(created.errors).toBeUndefined();
      ids.push(created.data.createFaq.id);
      await t.gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id: created.data.createFaq.id }, ws.token);
    }
    const search = async (server: TestServer, query: string) => {
      const res = await server.gql(`query($q: String!) { searchKnowledge(query: $q, limit: 5) { faq { id } } }`, { q: query }, ws.token);
      expect(res.errors).toBeUndefined();
      return (res.data.searchKnowledge as { faq: { id: string } }[]).map((h) => h.faq.id);
    };
    const settled = (server: TestServer, model: string, dims: number) =>
      eventually(
        async () => {
          const rows = await chunkState(server);
          return rows.length === 1 && rows[0]!.model === model && rows[0]!.dims === dims && rows[0]!.status === 'READY' && rows;
        },
        60_000,
        `chunks embedded by ${model}`,
      );

    await settled(t, 'local-hashed', 256);
    // A pgvector column wherever the database offers the extension (embedded PGlite does, Debian's
    // PostgreSQL does not); without it the vector leg re-scores BM25's candidates.
    const pgvector = (await vectorColumnDimensions(t.server.deps.orm)) !== null;
    const offered = await t.sql(`select 1 from pg_available_extensions where name = 'vector'`);
    expect(pgvector).toBe(offered.length === 1);
    if (pgvector) expect(await vectorColumnDimensions(t.server.deps.orm)).toBe(256);
    expect((await search(t, 'forgot my password'))[0]).toBe(ids[0]);
    await t.close();

    // Same data, the default (semantic) embedding: the column is retyped and every FAQ re-embedded.
    t = await start('semantic');
    const moved = await settled(t, 'local-hashed+use-lite', 768);
    expect(moved[0]!.n).toBeGreaterThanOrEqual(2);
    if (pgvector) {
      expect(await vectorColumnDimensions(t.server.deps.orm)).toBe(768);
      expect((await t.sql('select count(*)::int as n from knowledge_chunk where embedding_v is null'))[0].n).toBe(0);
    }
    expect((await search(t, 'forgot my password'))[0]).toBe(ids[0]);
    // Meaning without a shared word reaches the vector leg's nearest-neighbour search (pgvector only).
    if (pgvector) expect((await search(t, 'pay by credit card'))[0]).toBe(ids[1]);
    await t.close();

    // And back: the switch is not one-way (each model's re-embedding is its own job).
    t = await start('hashed');
    await settled(t, 'local-hashed', 256);
    if (pgvector) expect(await vectorColumnDimensions(t.server.deps.orm)).toBe(256);
    expect((await search(t, 'forgot my password'))[0]).toBe(ids[0]);
  });
});
