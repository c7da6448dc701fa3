import { MIN_EFFECTIVE_DOCUMENTS, LexicalIndex, lexicalTerms } from './lexical.js';

const doc = (id: string, faqId: string, questions: string, body: string) => ({ id, faqId, questions, body });

describe('lexical index (BM25)', () => {
  const index = new LexicalIndex([
    doc('c1', 'refunds', 'How do I get a refund?', 'Refunds are issued to the original card within 30 days of the purchase.'),
    doc('c2', 'password', 'How do I reset my password?', 'Use the forgot password link on the sign-in page; the link expires after an hour.'),
    doc('c3', 'shipping', 'How long does shipping take?', 'Orders ship in two days and arrive within a week. You can track the order from your account page.'),
    doc('c4', 'invoice', 'Where is my invoice?', 'Invoices are on the Billing page of your account, as PDF.'),
  ]);

  it('stems and drops stop words', () => {
    expect(lexicalTerms('How do I get my Refunds, refunded?')).toEqual(['refund']);
    expect(lexicalTerms('Resetting passwords')).toEqual(['reset', 'password']);
    expect(lexicalTerms('the of and')).toEqual([]);
  });

  it('tolerates one typo in a word the base does not contain, and only there', () => {
    const [typo] = index.search('pasword', 5);
    expect(typo!.faqId).toBe('password');
    // A fuzzy match counts less than the word itself, in score and in coverage.
    const [exact] = index.search('password', 5);
    expect(typo!.score).toBeLessThan(exact!.score);
    expect(typo!.coverage).toBeLessThan(exact!.coverage);
    expect(index.search('refnd', 5)[0]!.faqId).toBe('refunds');
    // Short words are not blurred ("shop" is not "ship"), and neither is a word the base has.
    expect(index.search('shop', 5)).toEqual([]);
    expect(index.search('order', 5).map((h) => h.faqId)).toEqual(['shipping']);
  });

  it('ranks the document with the rare query terms first, whatever their inflection', () => {
    expect(index.search('I was refunded twice', 5)[0]!.faqId).toBe('refunds');
    expect(index.search('resetting my passwords', 5)[0]!.faqId).toBe('password');
    // "account" occurs in two documents, "PDF" in one: the rare term decides.
    expect(index.search('account pdf', 5)[0]!.faqId).toBe('invoice');
  });

  it('weighs a match in the question above one in the answer', () => {
    const boosted = new LexicalIndex([
      doc('a', 'in-answer', 'How do I close my profile?', 'Deleting the account removes your invoices too.'),
      doc('b', 'in-question', 'How do I delete my account?', 'Go to Settings and press Close profile.'),
    ]);
    expect(boosted.search('delete account', 2).map((h) => h.faqId)).toEqual(['in-question', 'in-answer']);
  });

  it('reports the idf-weighted share of the query terms each hit contains, and nothing for unknown words', () => {
    const [hit] = index.search('refund card zebra', 5);
    expect(hit!.faqId).toBe('refunds');
    const idf = (t: string) => index.idf(t);
    expect(hit!.coverage).toBeCloseTo((idf('refund') + idf('card')) / (idf('refund') + idf('card') + idf('zebra')));
    // An unknown word weighs more than any known one; a common one less than a rare one.
    expect(idf('zebra')).toBeGreaterThan(idf('refund'));
    expect(idf('account')).toBeLessThan(idf('pdf'));
    const common = index.search('account', 5)[0]!;
    expect(common.coverage).toBe(1);
    expect(index.search('zebra giraffe', 5)).toEqual([]);
    expect(index.search('the of', 5)).toEqual([]);
    expect(new LexicalIndex([]).search('refund', 5)).toEqual([]);
  });

  it('returns at most `limit` hits, best first', () => {
    const hits = index.search('account page link order refund', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
  });

  it('reads rarity as in a base of MIN_EFFECTIVE_DOCUMENTS at least: a lone document is strong evidence for its own words', () => {
    const text = doc('a', 'refund', 'How do I get a refund?', 'Request a refund within 30 days from the Orders page.');
    const alone = new LexicalIndex([text]).search('How do I get a refund?', 5)[0]!;
    // The same document among MIN_EFFECTIVE_DOCUMENTS others on other subjects.
    const others = Array.from({ length: MIN_EFFECTIVE_DOCUMENTS }, (_, i) =>
      doc(`o${i}`, `o${i}`, `Question ${i} about topic${i}`, `Answer ${i} on topic${i}.`),
    );
    const crowd = new LexicalIndex([text, ...others]).search('How do I get a refund?', 5)[0]!;
    expect(alone.coverage).toBe(1);
    expect(crowd.coverage).toBe(1);
    // Raw idf would give the lone document's words the lowest idf there is (ln(1 + 0.5/1.5) against ln 4 for an unknown word).
    expect(alone.strength).toBeGreaterThan(0.8 * crowd.strength);
    // A paraphrase with one word the base lacks still covers most of the question.
    expect(new LexicalIndex([text]).search('I want a refund for my order', 5)[0]!.coverage).toBeGreaterThan(0.5);
  });
});
