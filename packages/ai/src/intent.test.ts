import { INTENT_LABELS, INTENT_PROTOTYPES, NearestCentroidIntentClassifier } from './intent.js';

describe('NearestCentroidIntentClassifier', () => {
  const examples = [
    { text: 'my card has not arrived', label: 'card_arrival' },
    { text: 'when will my new card arrive', label: 'card_arrival' },
    { text: 'what is the exchange rate for euros', label: 'exchange_rate' },
    { text: 'exchange rate dollars to pounds', label: 'exchange_rate' },
  ];

  it('trains on any label set and predicts the nearest centroid', () => {
    const clf = new NearestCentroidIntentClassifier().fit(examples);
    expect(clf.labels).toEqual(['card_arrival', 'exchange_rate']);
    const p = clf.predict('still waiting for my card to arrive');
    expect(p.label).toBe('card_arrival');
    expect(p.score).toBeGreaterThan(0);
    expect(p.score).toBeLessThanOrEqual(1 + 1e-12);
    expect(clf.predict('which exchange rate do you use?').label).toBe('exchange_rate');
  });

  it('falls back below minScore and refuses to predict before fit', () => {
    const clf = new NearestCentroidIntentClassifier({ fallbackLabel: 'other', minScore: 0.2 }).fit(examples);
    expect(clf.predict('').label).toBe('other');
    expect(() => new NearestCentroidIntentClassifier().predict('x')).toThrow(/fit/);
    expect(() => new NearestCentroidIntentClassifier().fit([])).toThrow();
  });

  it('accepts a custom embedding', () => {
    const clf = new NearestCentroidIntentClassifier({ embed: (t) => [t.length, 1] }).fit([
      { text: 'a', label: 'short' },
      { text: 'a'.repeat(50), label: 'long' },
    ]);
    expect(clf.predict('b'.repeat(40)).label).toBe('long');
  });

  it('ships prototypes for every built-in intent', () => {
    for (const label of INTENT_LABELS) expect(INTENT_PROTOTYPES[label].length).toBeGreaterThan(3);
  });
});
