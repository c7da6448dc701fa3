// The offline `local` provider's embedding: a deterministic hashed bag of
// words and character trigrams (fixed dimension, L2-normalised). No network,
// no model weights; good enough for lexical retrieval and for tests.
import { createHash } from 'node:crypto';
import type { Embedder } from './types.js';

export const LOCAL_EMBEDDING_DIMENSIONS = 256;

const STOP = new Set('a an and are as at be by do does for from how i in is it me my of on or the this to was what when where which who why with you your can'.split(' '));

export function tokenize(text: string): string[] {
  return (text.toLowerCase().normalize('NFKD').match(/\p{L}[\p{L}\p{N}']*|\p{N}+/gu) ?? []).filter((t) => !STOP.has(t));
}

function bucket(feature: string, dimensions: number): { index: number; sign: number } {
  const h = createHash('sha1').update(feature).digest();
  return { index: h.readUInt32BE(0) % dimensions, sign: h[4]! & 1 ? 1 : -1 };
}

export function hashedEmbedding(text: string, dimensions = LOCAL_EMBEDDING_DIMENSIONS): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const token of tokenize(text)) {
    const w = bucket(`w:${token}`, dimensions);
    v[w.index]! += w.sign;
    const padded = `^${token}$`;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = bucket(`g:${padded.slice(i, i + 3)}`, dimensions);
      v[g.index]! += 0.5 * g.sign;
    }
  }
  const norm = Math.hypot(...v);
  return norm === 0 ? v : v.map((x) => x / norm);
}

export function cosine(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`dimension mismatch: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export class LocalEmbedder implements Embedder {
  constructor(readonly dimensions = LOCAL_EMBEDDING_DIMENSIONS) {}

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((t) => hashedEmbedding(t, this.dimensions));
  }
}
