// Shared pieces of the AI benchmarks (retrieval, jobs, quality): a seeded
// synthetic FAQ corpus with paraphrased queries, a memoised copy of the local
// hashed embedding (bit-identical to `hashedEmbedding`, checked at start-up),
// bulk SQL writers with the columns embed.job.ts writes, and table/stat helpers.
import { createHash, randomUUID } from 'node:crypto';
import { chunkFaq, hashedEmbedding, LOCAL_EMBEDDING_DIMENSIONS, percentile, tokenize } from '@switchboard/ai';
import pg from 'pg';
import { forkFor, isPglite, type Em, type Orm } from '../src/platform/database.js';

// ---------------------------------------------------------------- random

/** mulberry32: small, fast, seeded. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
export type Rng = ReturnType<typeof rng>;

/** Zipf(s = 1.05) ranks over n items by inverse CDF on a precomputed table. */
function zipf(n: number, s = 1.05) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1) ** s;
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return (r: Rng) => {
    const u = r.next();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// ---------------------------------------------------------------- corpus

// Support-desk vocabulary. Nouns and verbs carry synonyms so that queries can
// paraphrase instead of quoting; long-tail product/feature names come from syllables.
const NOUNS: [string, ...string[]][] = [
  ['account', 'profile', 'login'],
  ['password', 'passphrase'],
  ['invoice', 'bill', 'receipt'],
  ['subscription', 'plan', 'membership'],
  ['order', 'purchase'],
  ['refund', 'reimbursement', 'money back'],
  ['shipment', 'delivery', 'parcel'],
  ['address', 'location'],
  ['email', 'e-mail', 'mail'],
  ['notification', 'alert'],
  ['report', 'summary'],
  ['dashboard', 'overview page'],
  ['integration', 'connector'],
  ['webhook', 'callback'],
  ['api key', 'token', 'access key'],
  ['workspace', 'team space'],
  ['project', 'board'],
  ['folder', 'directory'],
  ['file', 'document', 'attachment'],
  ['backup', 'snapshot', 'copy'],
  ['calendar', 'schedule'],
  ['meeting', 'call', 'session'],
  ['contact', 'customer record'],
  ['teammate', 'colleague', 'coworker'],
  ['permission', 'access right', 'role'],
  ['device', 'phone', 'tablet'],
  ['browser', 'web browser'],
  ['extension', 'add-on', 'plugin'],
  ['language', 'locale'],
  ['timezone', 'time zone'],
  ['currency', 'money unit'],
  ['discount', 'coupon', 'promo code'],
  ['card', 'credit card', 'payment method'],
  ['tax', 'vat'],
  ['export', 'download'],
  ['import', 'upload'],
  ['template', 'preset'],
  ['label', 'tag'],
  ['filter', 'saved view'],
  ['search', 'lookup'],
  ['history', 'activity log', 'audit trail'],
  ['storage', 'disk space', 'quota'],
  ['limit', 'cap', 'maximum'],
  ['trial', 'free trial', 'evaluation period'],
  ['seat', 'licence', 'user slot'],
  ['domain', 'custom domain'],
  ['certificate', 'ssl certificate'],
  ['signature', 'email signature'],
  ['avatar', 'profile picture'],
  ['widget', 'chat bubble'],
  ['form', 'questionnaire'],
  ['survey', 'poll'],
  ['sync', 'synchronisation'],
  ['sso', 'single sign-on'],
  ['two-factor authentication', '2fa', 'second factor'],
  ['recovery code', 'backup code'],
  ['session', 'sign-in'],
  ['reminder', 'follow-up'],
  ['printer', 'print job'],
  ['receipt printer', 'thermal printer'],
  ['barcode', 'qr code'],
  ['warehouse', 'stock room'],
  ['inventory', 'stock'],
  ['return', 'return label'],
  ['exchange', 'swap'],
  ['warranty', 'guarantee'],
  ['gift card', 'voucher'],
  ['loyalty points', 'rewards'],
];
const VERBS: [string, ...string[]][] = [
  ['delete', 'remove', 'erase'],
  ['change', 'update', 'modify'],
  ['cancel', 'stop', 'terminate'],
  ['reset', 'recover'],
  ['export', 'download', 'save'],
  ['import', 'upload', 'bring in'],
  ['share', 'send'],
  ['merge', 'combine'],
  ['rename', 'relabel'],
  ['restore', 'undo', 'bring back'],
  ['connect', 'link', 'hook up'],
  ['disconnect', 'unlink'],
  ['enable', 'turn on', 'activate'],
  ['disable', 'turn off', 'deactivate'],
  ['invite', 'add'],
  ['transfer', 'move'],
  ['duplicate', 'copy', 'clone'],
  ['archive', 'hide'],
  ['verify', 'confirm', 'validate'],
  ['schedule', 'plan'],
  ['print', 'print out'],
  ['track', 'follow'],
  ['pause', 'suspend', 'freeze'],
  ['upgrade', 'move up'],
  ['downgrade', 'move down'],
  ['refund', 'reimburse'],
  ['translate', 'localise'],
  ['configure', 'set up'],
];
const ADJECTIVES = [
  'slow',
  'missing',
  'greyed out',
  'duplicated',
  'expired',
  'locked',
  'empty',
  'broken',
  'blank',
  'stuck',
  'wrong',
  'outdated',
  'pending',
  'failed',
  'hidden',
  'encrypted',
  'shared',
  'private',
  'default',
  'custom',
  'monthly',
  'annual',
  'recurring',
  'partial',
];
const TIME_UNITS = ['minutes', 'hours', 'days', 'weeks', 'months'];
const MENUS = ['Settings', 'Billing', 'Account', 'Security', 'Integrations', 'Team', 'Notifications', 'Advanced', 'Data', 'Privacy', 'Devices'];
const SYLLABLES = 'ka lo mi ra ven tor sel dan quo fy ber lin ox ta ze nu pri ma col vex dor al is um ar ne so ji pa tri gon mer lu cor vin'.split(' ');

function pseudoWord(r: Rng) {
  const n = 2 + r.int(2);
  let w = '';
  for (let i = 0; i < n; i++) w += r.pick(SYLLABLES);
  return w;
}

export interface SyntheticFaq {
  key: number;
  question: string;
  answer: string;
  /** What a paraphrase may swap or draw on. */
  slots: { verb: number; noun: number; noun2: number; product: string; feature: string; adj: string };
}

/** A deterministic generator of support FAQs (question + multi-sentence answer) with a long-tail vocabulary. */
export function faqGenerator(seed = 42) {
  const r = rng(seed);
  // ~1,500 product names and ~2,500 feature names, sampled by Zipf: a few are
  // everywhere (like a company's flagship product), most are rare.
  const products = [...new Set(Array.from({ length: 1600 }, () => pseudoWord(r)))].slice(0, 1500).map((w) => w[0]!.toUpperCase() + w.slice(1));
  const features = [...new Set(Array.from({ length: 2700 }, () => pseudoWord(r)))].slice(0, 2500);
  const pProduct = zipf(products.length);
  const pFeature = zipf(features.length);
  const pNoun = zipf(NOUNS.length, 0.8);
  const pVerb = zipf(VERBS.length, 0.8);
  const n = (i: number) => NOUNS[i]![0];
  const v = (i: number) => VERBS[i]![0];
  const questions: ((s: SyntheticFaq['slots']) => string)[] = [
    (s) => `How do I ${v(s.verb)} my ${n(s.noun)} in ${s.product}?`,
    (s) => `Why is my ${n(s.noun)} ${s.adj} after I ${v(s.verb)} the ${n(s.noun2)}?`,
    (s) => `Can I ${v(s.verb)} a ${n(s.noun)} without a ${n(s.noun2)}?`,
    (s) => `What happens to my ${n(s.noun2)} if I ${v(s.verb)} my ${n(s.noun)}?`,
    (s) => `Where do I find the ${s.feature} ${n(s.noun)} settings in ${s.product}?`,
    (s) => `Is it possible to ${v(s.verb)} ${n(s.noun)}s from ${s.product} with ${s.feature}?`,
    (s) => `${s.product}: ${v(s.verb)} ${n(s.noun)} fails with a ${s.adj} ${n(s.noun2)}`,
    (s) => `How long does it take to ${v(s.verb)} a ${s.adj} ${n(s.noun)}?`,
    (s) => `Does ${s.feature} ${v(s.verb)} the ${n(s.noun)} automatically?`,
  ];
  const sentence = (s: SyntheticFaq['slots']): string => {
    const noun = n(pNoun(r));
    const other = n(pNoun(r));
    const verb = v(pVerb(r));
    const num = 1 + r.int(90);
    const product = products[pProduct(r)]!;
    const feature = features[pFeature(r)]!;
    const templates = [
      () => `Open ${s.product} and go to ${r.pick(MENUS)} > ${r.pick(MENUS)}, then choose ${v(s.verb)} ${n(s.noun)}.`,
      () => `You can ${verb} the ${noun} from the ${s.feature} page as long as the ${other} is not ${r.pick(ADJECTIVES)}.`,
      () => `${s.product} will ${verb} your ${noun} every ${num} ${r.pick(TIME_UNITS)} unless you turn off ${feature}.`,
      () => `If the ${n(s.noun)} is ${s.adj}, ${verb} the ${other} first and try again.`,
      () => `Note that ${noun}s older than ${num} ${r.pick(TIME_UNITS)} are ${r.pick(ADJECTIVES)} and you cannot ${verb} them any more.`,
      () => `Only admins with the ${feature} ${n(pNoun(r))} can ${v(s.verb)} a ${n(s.noun2)} for the whole workspace.`,
      () => `When you ${v(s.verb)} a ${n(s.noun)}, ${product} keeps a ${r.pick(ADJECTIVES)} ${other} for ${num} ${r.pick(TIME_UNITS)}.`,
      () => `This works the same way on the ${product} mobile app, although the ${feature} menu is under ${r.pick(MENUS)}.`,
      () => `Still stuck? Send us the ${noun} id shown under ${r.pick(MENUS)} and we will ${verb} it for you.`,
      () => `For ${noun}s created with ${feature}, you have to ${verb} the ${other} separately.`,
    ];
    return r.pick(templates)();
  };
  let key = 0;
  return function next(): SyntheticFaq {
    const slots = {
      verb: pVerb(r),
      noun: pNoun(r),
      noun2: pNoun(r),
      product: products[pProduct(r)]!,
      feature: features[pFeature(r)]!,
      adj: r.pick(ADJECTIVES),
    };
    const question = r.pick(questions)(slots);
    // Answers from one sentence to a few paragraphs: most FAQs give 1 chunk, some 2-6.
    const sentences = 1 + Math.floor(-Math.log(1 - r.next()) * 7);
    const parts: string[] = [];
    for (let i = 0; i < sentences; i++) parts.push(sentence(slots) + (i % 4 === 3 ? '\n\n' : ' '));
    return { key: key++, question, answer: parts.join('').trim(), slots };
  };
}

const syn = (r: Rng, words: readonly string[]) => (r.next() < 0.7 ? r.pick(words.slice(1)) : words[0]!);

/** A customer-style paraphrase of an FAQ's question: synonyms, other phrasing, sometimes a detail from the answer. */
export function paraphrase(r: Rng, faq: SyntheticFaq): string {
  const s = faq.slots;
  const verb = syn(r, VERBS[s.verb]!);
  const noun = syn(r, NOUNS[s.noun]!);
  const noun2 = syn(r, NOUNS[s.noun2]!);
  // Customers name the product or feature they are stuck with: in a knowledge
  // base of thousands of near-identical "how do I <verb> my <noun>" entries that
  // is what tells them apart.
  const forms = [
    () => `how to ${verb} ${noun} ${s.product}`,
    () => `I want to ${verb} my ${noun} in ${s.product}, how?`,
    () => `${s.product} won't let me ${verb} the ${noun}`,
    () => `${s.product} ${noun} ${s.adj} after ${verb} ${noun2}`,
    () => `is there a way to ${verb} ${noun} in ${s.feature}`,
    () => `trying to ${verb} ${noun} on ${s.product} but the ${noun2} is ${s.adj}`,
    () => `${s.feature}: ${verb} ${noun}?`,
  ];
  let q = r.pick(forms)();
  if (r.next() < 0.3) {
    const words = faq.answer.split(/\s+/).filter((w) => w.length > 4);
    if (words.length) q += ` ${r.pick(words).replace(/[.,>]/g, '')}`;
  }
  return q;
}

// ---------------------------------------------------------------- embedding

const bucket = (feature: string, dimensions: number) => {
  const h = createHash('sha1').update(feature).digest();
  return { index: h.readUInt32BE(0) % dimensions, sign: h[4]! & 1 ? 1 : -1 };
};

/**
 * `hashedEmbedding` with a per-token cache: the embedding is a sum of per-token
 * contributions (multiples of 0.5, so summed exactly in any order) then
 * L2-normalised, so this returns the same numbers bit for bit, several times faster.
 */
export function cachedHashedEmbedder(dimensions = LOCAL_EMBEDDING_DIMENSIONS) {
  const cache = new Map<string, [number[], number[]]>();
  const contribution = (token: string) => {
    let c = cache.get(token);
    if (!c) {
      const acc = new Map<number, number>();
      const w = bucket(`w:${token}`, dimensions);
      acc.set(w.index, w.sign);
      const padded = `^${token}$`;
      for (let i = 0; i + 3 <= padded.length; i++) {
        const g = bucket(`g:${padded.slice(i, i + 3)}`, dimensions);
        acc.set(g.index, (acc.get(g.index) ?? 0) + 0.5 * g.sign);
      }
      c = [[...acc.keys()], [...acc.values()]];
      cache.set(token, c);
    }
    return c;
  };
  const embed = (text: string): number[] => {
    const v = new Array<number>(dimensions).fill(0);
    for (const token of tokenize(text)) {
      const [idx, val] = contribution(token);
      for (let i = 0; i < idx.length; i++) v[idx[i]!]! += val[i]!;
    }
    const norm = Math.hypot(...v);
    return norm === 0 ? v : v.map((x) => x / norm);
  };
  return embed;
}

/** Throws unless the memoised embedder reproduces `hashedEmbedding` exactly on these texts. */
export function assertSameEmbedding(embed: (t: string) => number[], texts: string[]) {
  for (const t of texts) {
    const a = embed(t);
    const b = hashedEmbedding(t);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`memoised embedding differs from hashedEmbedding for: ${t.slice(0, 80)}`);
  }
}

// ---------------------------------------------------------------- SQL

export interface ChunkRecord {
  faqId: string;
  ordinal: number;
  text: string;
  embedding: number[];
}

/**
 * Runs seeding SQL with `?` placeholders, on a client of its own with bound
 * parameters ($n): MikroORM's `execute` inlines every parameter into the
 * statement text first, which for megabytes of vector literals costs more than
 * the insert. Seeding only; measured queries always go through MikroORM.
 */
export async function bulkRunner(orm: Orm): Promise<{ run: (sql: string, params: unknown[]) => Promise<unknown>; close: () => Promise<void> }> {
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  if (isPglite(orm)) {
    const conn = orm.em.getConnection() as unknown as { getNativeClient: () => Promise<{ query: (sql: string, params: unknown[]) => Promise<unknown> }> };
    const pglite = await conn.getNativeClient();
    return { run: (sql, params) => pglite.query(numbered(sql), params), close: async () => {} };
  }
  const client = new pg.Client({ connectionString: orm.config.get('clientUrl') });
  await client.connect();
  return { run: (sql, params) => client.query(numbered(sql), params), close: () => client.end() };
}

async function withBulk(orm: Orm, fn: (run: (sql: string, params: unknown[]) => Promise<unknown>) => Promise<void>) {
  const { run, close } = await bulkRunner(orm);
  try {
    await fn(run);
  } finally {
    await close();
  }
}

/** FAQ rows as the API would leave them after publishing and embedding. */
export function insertFaqs(orm: Orm, workspaceId: string, faqs: { id: string; question: string; answer: string }[], batch = 500) {
  const now = new Date();
  return withBulk(orm, async (run) => {
    for (let i = 0; i < faqs.length; i += batch) {
      const rows = faqs.slice(i, i + batch);
      const params: unknown[] = [];
      for (const f of rows) params.push(f.id, workspaceId, f.question.slice(0, 500), f.answer, now, now, now);
      await run(
        `insert into faq (id, workspace_id, question, answer, tags, status, published_at, created_at, updated_at, embedding_status) values ` +
          rows.map(() => `(?, ?, ?, ?, '{}', 'PUBLISHED', ?, ?, ?, 'READY')`).join(', '),
        params,
      );
    }
  });
}

const realArray = (v: number[]) => `{${v.join(',')}}`;
const vectorLiteral = (v: number[]) => `[${v.map((x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;

/** knowledge_chunk rows with the columns (and literal formats) of embed.job.ts, in multi-row batches. */
export function insertChunks(orm: Orm, workspaceId: string, chunks: ChunkRecord[], opts: { vector: boolean; model: string; batch?: number }) {
  const batch = opts.batch ?? 50;
  const now = new Date();
  const cols = 'id, workspace_id, faq_id, ordinal, text, embedding, embedding_model, created_at' + (opts.vector ? ', embedding_v' : '');
  const tuple = `(?, ?, ?, ?, ?, ?::real[], ?, ?${opts.vector ? ', ?::vector' : ''})`;
  return withBulk(orm, async (run) => {
    for (let i = 0; i < chunks.length; i += batch) {
      const rows = chunks.slice(i, i + batch);
      const params: unknown[] = [];
      for (const c of rows) {
        params.push(randomUUID(), workspaceId, c.faqId, c.ordinal, c.text, realArray(c.embedding), opts.model, now);
        if (opts.vector) params.push(vectorLiteral(c.embedding));
      }
      await run(`insert into knowledge_chunk (${cols}) values ${rows.map(() => tuple).join(', ')}`, params);
    }
  });
}

export async function insertWorkspace(orm: Orm, name: string): Promise<string> {
  const id = randomUUID();
  await orm.em
    .getConnection()
    .execute(`insert into workspace (id, name, widget_key, created_at) values (?, ?, ?, ?)`, [id, name, `wk_bench_${id}`, new Date()]);
  return id;
}

/**
 * Generates synthetic FAQs until `target` chunks (chunked by chunkFaq, as the
 * embed job does) exist; the last FAQ's chunks may be cut to land exactly.
 */
export async function syntheticChunks(target: number, embed: (t: string) => number[], seed = 42) {
  const next = faqGenerator(seed);
  const faqs: (SyntheticFaq & { id: string })[] = [];
  const chunks: ChunkRecord[] = [];
  while (chunks.length < target) {
    const f = { ...next(), id: randomUUID() };
    faqs.push(f);
    const texts = await chunkFaq(f);
    for (let i = 0; i < texts.length && chunks.length < target; i++) chunks.push({ faqId: f.id, ordinal: i, text: texts[i]!, embedding: embed(texts[i]!) });
  }
  return { faqs, chunks };
}

export interface Captured {
  sql: string;
  params: unknown[];
  result: unknown;
  rows: number;
  startedAt: number;
  endedAt: number;
}

/**
 * A workspace fork whose raw statements are recorded (SQL, params, result,
 * timing): lets a benchmark see, re-run or EXPLAIN exactly what `retrieve()` sent.
 */
export function recordingEm(orm: Orm, workspaceId: string) {
  const em = forkFor(orm, workspaceId);
  const captured: Captured[] = [];
  // Statements sent inside em.transactional() go through the transaction's own fork: record those too.
  const record = (target: Em) => {
    const original = target.execute.bind(target);
    (target as unknown as { execute: unknown }).execute = async (sql: string, params: unknown[] = []) => {
      const startedAt = performance.now();
      const result = await original(sql as never, params as never);
      captured.push({ sql, params, result, rows: Array.isArray(result) ? result.length : 0, startedAt, endedAt: performance.now() });
      return result;
    };
    const transactional = target.transactional.bind(target);
    (target as unknown as { transactional: unknown }).transactional = (cb: (tx: Em) => unknown, options?: unknown) =>
      transactional((tx) => cb(record(tx as Em)) as never, options as never);
    return target;
  };
  return { em: record(em as Em), captured };
}

// ---------------------------------------------------------------- reporting

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

export function latencySummary(ms: number[]) {
  return {
    n: ms.length,
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    mean: round(ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)),
    max: round(Math.max(...ms)),
  };
}

/** A GitHub-style markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...cells.slice(1).map(line)].join(
    '\n',
  );
}
