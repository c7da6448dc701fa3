import { chunkFaq } from './chunking.js';

describe('chunkFaq', () => {
  const question = 'How do refunds work for annual plans?';

  it('keeps a short FAQ in one self-contained chunk', async () => {
    expect(await chunkFaq({ question, answer: 'Within 30 days, in full.' })).toEqual([`${question}\n\nWithin 30 days, in full.`]);
  });

  it('splits a huge answer into many chunks, each within size and starting with the question', async () => {
    const paragraph = (i: number) => `Paragraph ${i}: ${'refund policy details apply to every annual plan purchase. '.repeat(6)}`;
    const answer = Array.from({ length: 600 }, (_, i) => paragraph(i)).join('\n\n');
    expect(answer.length).toBeGreaterThan(200_000);

    const chunks = await chunkFaq({ question, answer }, { chunkSize: 800, chunkOverlap: 100 });
    expect(chunks.length).toBeGreaterThan(250);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(800);
      expect(chunk.startsWith(`${question}\n\n`)).toBe(true);
    }
    // Nothing is lost: every paragraph marker survives in some chunk.
    const joined = chunks.join('\n');
    for (const i of [0, 1, 299, 599]) expect(joined).toContain(`Paragraph ${i}:`);
  });

  it('splits a huge answer without any whitespace too', async () => {
    const chunks = await chunkFaq({ question, answer: 'x'.repeat(200_000) }, { chunkSize: 500, chunkOverlap: 50 });
    expect(chunks.length).toBeGreaterThan(400);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(500);
  });

  it('collapses a multi-line question and cuts an absurdly long one', async () => {
    const [chunk] = await chunkFaq({ question: 'Can I\n  pay by card?', answer: 'Yes.' });
    expect(chunk).toBe('Can I pay by card?\n\nYes.');
    const chunks = await chunkFaq({ question: 'why '.repeat(500), answer: 'Because. '.repeat(200) }, { chunkSize: 400, chunkOverlap: 0 });
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(400);
  });

  it('validates its options', async () => {
    await expect(chunkFaq({ question, answer: 'a' }, { chunkSize: 5 })).rejects.toThrow(RangeError);
  });
});
