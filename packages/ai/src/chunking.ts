// FAQ → retrievable chunks. An answer alone ("Yes, within 30 days.") means
// nothing out of context, so every chunk repeats the FAQ question: each one is
// self-contained for embedding, full-text search and for being quoted back.
// Splitting is LangChain's recursive splitter (paragraphs, then lines, then
// words, then characters), so long answers break at natural boundaries.
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

export interface FaqText {
  question: string;
  answer: string;
}

export interface ChunkOptions {
  /** Maximum length of a chunk in characters, question included. */
  chunkSize?: number;
  /** Characters shared by consecutive answer pieces. */
  chunkOverlap?: number;
}

/** Separates the question from the answer piece inside a chunk. */
export const FAQ_CHUNK_SEPARATOR = '\n\n';

/**
 * Splits an FAQ into chunks of at most `chunkSize` characters, each
 * `question + "\n\n" + piece of the answer`. The question is collapsed to one
 * line (so the first line of a chunk is always the question) and, if it is
 * absurdly long, cut to half the chunk size so that answer text still fits.
 */
export async function chunkFaq(faq: FaqText, options: ChunkOptions = {}): Promise<string[]> {
  const chunkSize = options.chunkSize ?? 800;
  const chunkOverlap = options.chunkOverlap ?? 100;
  if (!Number.isInteger(chunkSize) || chunkSize < 20) throw new RangeError(`chunkSize must be an integer >= 20, got ${chunkSize}`);
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0) throw new RangeError(`chunkOverlap must be a non-negative integer, got ${chunkOverlap}`);

  let question = faq.question.replace(/\s+/g, ' ').trim();
  const maxQuestion = Math.floor(chunkSize / 2);
  if (question.length > maxQuestion) question = `${question.slice(0, maxQuestion - 1).trimEnd()}…`;
  const prefix = question ? `${question}${FAQ_CHUNK_SEPARATOR}` : '';

  const answer = faq.answer.trim();
  if (!answer) return question ? [question] : [];

  const bodySize = chunkSize - prefix.length;
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: bodySize,
    // The splitter rejects overlap >= size; keep it proportionate for small bodies.
    chunkOverlap: Math.min(chunkOverlap, Math.floor(bodySize / 2)),
  });
  const pieces = await splitter.splitText(answer);
  return pieces
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => prefix + p);
}
