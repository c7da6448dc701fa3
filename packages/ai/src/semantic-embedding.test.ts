import { cosine } from './embedding.js';
import { SEMANTIC_BATCH_WINDOWS, SEMANTIC_EMBEDDING_DIMENSIONS, SEMANTIC_WINDOW_WORDS, semanticEmbeddings, semanticWindows } from './semantic-embedding.js';

describe('semantic embedding (USE-lite, offline)', () => {
  it('splits long texts into windows of at most SEMANTIC_WINDOW_WORDS words', () => {
    const words = Array.from({ length: SEMANTIC_WINDOW_WORDS * 2 + 5 }, (_, i) => `w${i}`);
    const windows = semanticWindows(words.join('  \n'));
    expect(windows.map((w) => w.split(' ').length)).toEqual([SEMANTIC_WINDOW_WORDS, SEMANTIC_WINDOW_WORDS, 5]);
    expect(windows.join(' ')).toBe(words.join(' '));
    expect(semanticWindows('   ')).toEqual(['']);
  });

  it('gives stable unit vectors that place paraphrases near and other subjects far', async () => {
    const texts = ['Can I get my money back?', 'How do I request a refund?', 'Which browsers are supported?'];
    const [a, b, c] = await semanticEmbeddings(texts);
    const [again] = await semanticEmbeddings([texts[0]!]);
    for (const v of [a!, b!, c!]) {
      expect(v).toHaveLength(SEMANTIC_EMBEDDING_DIMENSIONS);
      expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    }
    // The same text alone or in a batch: equal up to float rounding (batching changes the kernels' summation order).
    expect(cosine(again!, a!)).toBeGreaterThan(0.99999);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.2);
    expect(await semanticEmbeddings([])).toEqual([]);
  });

  it('keeps the event loop turning while it embeds many windows', async () => {
    const texts = Array.from({ length: 24 }, (_, i) => `Paragraph ${i} explains shipping zone ${i} and its delivery time to customers abroad.`);
    const turns = await countLoopTurns(async () => expect(await semanticEmbeddings(texts)).toHaveLength(24));
    // 24 windows in batches of SEMANTIC_BATCH_WINDOWS: the loop turns between batches, so it is held for one batch at a time, not for the whole call.
    expect(turns).toBeGreaterThanOrEqual(24 / SEMANTIC_BATCH_WINDOWS - 1);
  });

  it('keeps the event loop turning while many callers wait on the model at once', async () => {
    // A burst: twelve callers (jobs, questions) start together, as when many FAQs are published while the model loads.
    const callers = Array.from({ length: 12 }, (_, i) => [
      `Question ${i} about parcels to zone ${i}.`,
      `Answer ${i}: parcels to zone ${i} arrive within ${i + 2} days of dispatch.`,
    ]);
    const turns = await countLoopTurns(async () => {
      const results = await Promise.all(callers.map((texts) => semanticEmbeddings(texts)));
      expect(results.map((r) => r.length)).toEqual(callers.map(() => 2));
    });
    // 12 callers × one batch each: the loop turns between every model call, whoever made it (without that, it is held for all twelve).
    expect(turns).toBeGreaterThanOrEqual(callers.length - 1);
  });

  it('embeds a text longer than the model window by its windows (not by its first 128 pieces only)', async () => {
    const refund = 'Refunds are issued to the original payment method within five business days of the request.';
    const browsers = 'The dashboard supports current versions of Chrome, Firefox, Safari and Edge on desktop.';
    const filler = Array.from({ length: SEMANTIC_WINDOW_WORDS }, () => 'lorem').join(' ');
    const [long, tailOnly] = await semanticEmbeddings([`${filler} ${browsers}`, browsers]);
    const [other] = await semanticEmbeddings([refund]);
    // The last window (the browsers sentence) still counts.
    expect(cosine(long!, tailOnly!)).toBeGreaterThan(cosine(long!, other!) + 0.1);
  });
});

/**
 * How many times the event loop turned while `work` ran: a ticker that
 * re-arms itself with setImmediate runs once per turn. Counted, not timed, so
 * a loaded machine that deschedules the process cannot fail or pass it.
 */
async function countLoopTurns(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
}
