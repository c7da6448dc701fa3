import { BayesIntentClassifier, intentFeatures } from './intent-bayes.js';

const examples = [
  { text: 'My card has not arrived yet', label: 'card_arrival' },
  { text: 'When will my new card arrive?', label: 'card_arrival' },
  { text: 'Still waiting on the card you sent', label: 'card_arrival' },
  { text: 'How do I transfer money to a friend?', label: 'transfer' },
  { text: 'Send money to my sister account', label: 'transfer' },
  { text: 'Can I transfer funds abroad?', label: 'transfer' },
  { text: 'Why was I charged a fee?', label: 'fee_charged' },
  { text: 'There is an extra fee on my statement', label: 'fee_charged' },
];

describe('naive Bayes intent classifier', () => {
  const model = BayesIntentClassifier.fit(examples);

  it('uses stemmed words and word pairs, keeping the question words', () => {
    expect(intentFeatures('Why was I charged fees?')).toEqual(['why', 'was', 'i', 'charg', 'fee', 'why_was', 'was_i', 'i_charg', 'charg_fee']);
  });

  it('labels unseen phrasings by their words', () => {
    expect(model.predict('the card still has not arrived').label).toBe('card_arrival');
    expect(model.predict('transferring money to my friend').label).toBe('transfer');
    expect(model.predict('what is this fee I was charged').label).toBe('fee_charged');
  });

  it('returns a posterior probability, higher for a clear case than for a vague one', () => {
    const clear = model.predict('my card has not arrived');
    const vague = model.predict('hello there');
    expect(clear.probability).toBeGreaterThan(0.8);
    expect(clear.probability).toBeLessThanOrEqual(1);
    expect(vague.probability).toBeLessThan(clear.probability);
    expect(model.labels).toEqual(['card_arrival', 'fee_charged', 'transfer']);
  });

  it('survives a JSON round trip unchanged', () => {
    const copy = BayesIntentClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    for (const text of ['card not here', 'send money', 'fee?', '']) expect(copy.predict(text)).toEqual(model.predict(text));
  });

  it('needs examples', () => {
    expect(() => BayesIntentClassifier.fit([])).toThrow(RangeError);
  });
});
