// The lexical leg of retrieval: BM25 ranking (MiniSearch's BM25+) over
// knowledge chunks, with English stop words removed and Porter stemming, and
// the FAQ's question (plus its alternate phrasings) as a boosted field.
//
// Why not PostgreSQL's ts_rank_cd: over OR-ed terms it ignores how rare a
// term is, so a paraphrase matching one rare word of the right FAQ loses to
// one matching three common words elsewhere. Measured on StackFAQ (125 FAQs,
// 625 dev paraphrases, question + answer indexed): ts_rank_cd full text hit@5
// 0.70 / MRR@5 0.48; this index 0.90 / 0.79 (bench `quality`).
import MiniSearch from 'minisearch';
import { stemmer } from 'stemmer';

export interface LexicalDocument {
  /** Chunk id. */
  id: string;
  faqId: string;
  /** The FAQ's question and alternate questions, one per line. */
  questions: string;
  /** The chunk's answer text. */
  body: string;
}

export interface LexicalHit {
  id: string;
  faqId: string;
  /** BM25 score (unbounded; compare within one query only). */
  score: number;
  /**
   * The BM25 score in units of the idf a term found in no chunk would have:
   * about how many rare query terms the chunk matches, comparable across
   * knowledge bases of different sizes (raw idf grows with their size).
   */
  strength: number;
  /**
   * Share of the query's information that occurs in the chunk, 0..1: the
   * BM25 idf of the query terms it contains over that of all query terms
   * (a term no chunk contains counts at the highest idf). Matching "how" and
   * "account" covers little of "how do I close my brokerage account".
   */
  coverage: number;
}

/**
 * Knowledge bases smaller than this are scored as if they held this many
 * documents, the missing ones containing none of the query's terms. Raw BM25
 * idf reads a word's rarity off the base itself: in a base of one FAQ every
 * word it has occurs in every document, gets the lowest idf there is, and the
 * exact question of that FAQ looked like no evidence at all (strength and
 * coverage collapse, and the calibrated confidence with them). A floor of
 * documents is Bayesian smoothing of document frequencies toward "a word is
 * rare unless the base says otherwise". 161 is the size (in chunks) of the
 * StackFAQ base the answer confidence was fitted on (LOCAL_CONFIDENCE_MODEL),
 * so bases of that size or larger score exactly as before.
 */
export const MIN_EFFECTIVE_DOCUMENTS = 161;

/**
 * Boost of the question field over the answer body. Chosen on the StackFAQ dev
 * split (500 of 625 queries; MRR@5 0.75 at 1, 0.78 at 2, 0.79 at 3, flat after).
 */
export const QUESTION_BOOST = 3;

/**
 * Typo tolerance: a query word the knowledge base does not contain, of at
 * least this many letters, matches index terms one edit away ("pasword" →
 * password, "refnd" → refund), at MiniSearch's fuzzy weight. Words the base
 * contains are matched exactly only, so tolerance never blurs real matches.
 */
export const FUZZY_MIN_LENGTH = 5;
/** MiniSearch's default weight of a fuzzy match; coverage counts such a term at the same share. */
export const FUZZY_WEIGHT = 0.45;

const STOP = new Set(
  (
    'a about above after again all also am an and any are as at be because been being below between both but by can could did do does ' +
    'doing down during each few for from further get got had has have having he her here hers him his how i if in into is it its itself ' +
    'just me more most my myself no nor not now of off on once only or other our ours out over own same she should so some such than that ' +
    'the their theirs them then there these they this those through to too under until up very was we were what when where which while ' +
    'who whom why will with would you your yours ' +
    // Courtesy carries no topic: "hi, ..." must not look like an unknown, informative word.
    'hi hello hey thanks thank please pls dear regards'
  ).split(' '),
);

/** Words of a text, lower-cased, accents kept (NFKC), apostrophes inside words kept. */
export function lexicalTokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/\p{L}[\p{L}\p{N}']*|\p{N}+/gu) ?? []
  );
}

/** The index term of a word: null for stop words, else its Porter stem. */
export function lexicalTerm(word: string): string | null {
  const w = word.toLowerCase().replace(/'s?$/, '');
  if (!w || STOP.has(w)) return null;
  return stemmer(w);
}

/** Distinct index terms of a text, in order of first appearance. */
export function lexicalTerms(text: string): string[] {
  return [
    ...new Set(
      lexicalTokens(text)
        .map(lexicalTerm)
        .filter((t): t is string => Boolean(t)),
    ),
  ];
}

export class LexicalIndex {
  private readonly search_: MiniSearch<LexicalDocument>;
  /** Document frequency of every index term. */
  private readonly df = new Map<string, number>();

  constructor(documents: Iterable<LexicalDocument>) {
    const docs = [...documents];
    for (const d of docs) for (const t of lexicalTerms(`${d.questions}\n${d.body}`)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.search_ = new MiniSearch<LexicalDocument>({
      fields: ['questions', 'body'],
      storeFields: ['faqId'],
      tokenize: lexicalTokens,
      processTerm: lexicalTerm,
      searchOptions: { combineWith: 'OR', boost: { questions: QUESTION_BOOST } },
    });
    this.search_.addAll(docs);
  }

  get size(): number {
    return this.search_.documentCount;
  }

  /** The best `limit` chunks for a free-text query, best first (ties by id). */
  search(query: string, limit: number): LexicalHit[] {
    const terms = lexicalTerms(query);
    if (!terms.length || !this.size) return [];
    const idf = new Map(terms.map((t) => [t, this.idf(t)]));
    const total = [...idf.values()].reduce((a, b) => a + b, 0);
    // In a small base each term's BM25 contribution is rescaled from the raw idf to the smoothed one (see MIN_EFFECTIVE_DOCUMENTS).
    const boostTerm = this.size < MIN_EFFECTIVE_DOCUMENTS ? (t: string) => this.idf(t) / this.rawIdf(t) : undefined;
    const fuzzy = (term: string) => (!this.df.has(term) && term.length >= FUZZY_MIN_LENGTH ? 1 : false);
    const results = this.search_.search(terms.join(' '), {
      tokenize: (s) => s.split(' '),
      processTerm: (t) => t,
      fuzzy,
      weights: { fuzzy: FUZZY_WEIGHT, prefix: 0 },
      ...(boostTerm ? { boostTerm } : {}),
    });
    return results
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map((r) => ({
        id: String(r.id),
        faqId: String(r.faqId),
        score: r.score,
        strength: r.score / this.idf(''),
        coverage: [...new Set(r.queryTerms)].reduce((a, t) => a + (idf.get(t) ?? 0) * (this.df.has(t) ? 1 : FUZZY_WEIGHT), 0) / total,
      }));
  }

  /**
   * BM25's idf, ln(1 + (N − df + 0.5) / (df + 0.5)), with N at least
   * MIN_EFFECTIVE_DOCUMENTS: what strength, coverage and (in small bases) the
   * score use.
   */
  idf(term: string): number {
    return bm25Idf(Math.max(this.size, MIN_EFFECTIVE_DOCUMENTS), this.df.get(term) ?? 0);
  }

  /** The idf MiniSearch itself scores with (N = the number of documents). */
  private rawIdf(term: string): number {
    return bm25Idf(this.size, this.df.get(term) ?? 0);
  }
}

function bm25Idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}
