// Offline intent classification. Nearest centroid over the hashed embedding is
// the simplest classifier that trains in one pass, needs no weights on disk,
// is deterministic and explains itself (the score is a cosine to a label's
// mean example). It is lexical: expect it to confuse intents that share
// vocabulary. Trainable on any label set (see scripts/eval-intent.ts).
import { hashedEmbedding, LOCAL_EMBEDDING_DIMENSIONS } from './embedding.js';

export interface IntentExample {
  text: string;
  label: string;
}

export interface IntentPrediction {
  label: string;
  /** Cosine similarity between the text and the label's centroid (-1..1). */
  score: number;
}

export interface NearestCentroidOptions {
  /** Dimension of the default hashed embedding (ignored when `embed` is given). */
  dimensions?: number;
  /** Custom text → vector function; vectors are L2-normalised here. */
  embed?: (text: string) => number[];
  /** Returned instead of the nearest label when its score is below `minScore`. */
  fallbackLabel?: string;
  minScore?: number;
}

function normalise(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

export class NearestCentroidIntentClassifier {
  private readonly embedText: (text: string) => number[];
  private readonly fallbackLabel: string | undefined;
  private readonly minScore: number;
  private centroids: { label: string; vector: Float64Array }[] = [];

  constructor(options: NearestCentroidOptions = {}) {
    const dimensions = options.dimensions ?? LOCAL_EMBEDDING_DIMENSIONS;
    this.embedText = options.embed ?? ((text) => hashedEmbedding(text, dimensions));
    this.fallbackLabel = options.fallbackLabel;
    this.minScore = options.minScore ?? -Infinity;
  }

  get labels(): string[] {
    return this.centroids.map((c) => c.label);
  }

  /** Replaces the model: each label's centroid is the normalised mean of its normalised examples. */
  fit(examples: IntentExample[]): this {
    const sums = new Map<string, Float64Array>();
    for (const { text, label } of examples) {
      const v = normalise(Float64Array.from(this.embedText(text)));
      let sum = sums.get(label);
      if (!sum) sums.set(label, (sum = new Float64Array(v.length)));
      if (sum.length !== v.length) throw new Error(`embedding dimension changed: ${sum.length} vs ${v.length}`);
      for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
    }
    if (sums.size === 0) throw new Error('fit() needs at least one example');
    this.centroids = [...sums].map(([label, sum]) => ({ label, vector: normalise(sum) }));
    return this;
  }

  predict(text: string): IntentPrediction {
    if (this.centroids.length === 0) throw new Error('predict() before fit()');
    const v = normalise(Float64Array.from(this.embedText(text)));
    let best: IntentPrediction = { label: this.centroids[0]!.label, score: -Infinity };
    for (const { label, vector } of this.centroids) {
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i]! * vector[i]!;
      if (dot > best.score) best = { label, score: dot };
    }
    if (this.fallbackLabel !== undefined && best.score < this.minScore) return { label: this.fallbackLabel, score: best.score };
    return best;
  }
}

export const INTENT_LABELS = [
  'billing',
  'refund',
  'account_access',
  'password_reset',
  'cancellation',
  'shipping',
  'technical_issue',
  'complaint',
  'human_request',
  'greeting',
  'other',
] as const;
export type IntentLabel = (typeof INTENT_LABELS)[number];

/** Hand-written prototypes of customer-service intents (English) for the default classifier. */
export const INTENT_PROTOTYPES: Record<IntentLabel, string[]> = {
  billing: [
    'I was charged twice this month',
    'Why is there an extra charge on my bill?',
    'I have a question about my invoice',
    'My payment failed',
    'Update the credit card used for billing',
    'How much does the subscription cost per month?',
    'I was overcharged',
    'Where can I download my receipt or invoice?',
    'Unknown charge on my card statement',
    'What payment methods can I use?',
    'Do you accept PayPal or bank transfer?',
    'The payment did not go through',
    'Where do I find my invoices?',
  ],
  refund: [
    'I want a refund',
    'How do I get my money back?',
    'Please refund my order',
    'Can I return this item for a refund?',
    'When will I receive my refund?',
    'My refund has not arrived yet',
    'Request reimbursement for the purchase',
  ],
  account_access: [
    "I can't log in to my account",
    'My account is locked',
    'Login is not working',
    "I can't sign in",
    'The two-factor authentication code never arrives',
    'I am locked out of my account',
    'Account access denied after verification',
    'I cannot log into my account',
  ],
  password_reset: [
    'I forgot my password',
    'How do I reset my password?',
    "The password reset link doesn't work",
    'Change my password',
    'Recover my forgotten password',
    "I didn't receive the password reset email",
  ],
  cancellation: [
    'Cancel my subscription',
    'I want to close my account',
    'How do I cancel my plan?',
    'Stop my membership renewal',
    'Unsubscribe me from the service',
    'End my contract',
    'Please delete my account permanently',
    'How can I delete my account?',
  ],
  shipping: [
    'Where is my order?',
    "My package hasn't arrived",
    'Track my shipment',
    'When will my order be delivered?',
    'The delivery is late',
    'Change the shipping address of my order',
    'How long does shipping take?',
    'My parcel is still not here',
    'The order was never delivered',
  ],
  technical_issue: [
    'The app keeps crashing',
    'The website is not loading',
    'I get an error message',
    'This feature is broken',
    'Bug when I upload a file',
    'The page shows error 500',
    'The app freezes on startup',
    "It doesn't work on my phone",
  ],
  complaint: [
    'This is unacceptable',
    'Terrible service',
    'I am very disappointed',
    'I want to file a complaint',
    'Your support is awful',
    'Worst experience ever',
    'I am angry about how I was treated',
  ],
  human_request: [
    'I want to talk to a person',
    'Let me speak to a human',
    'Connect me with an agent',
    'Can I talk to a representative?',
    'Real person please',
    // Not "transfer me to…": "transfer money to a beneficiary" is no request for a person.
    'Put me through to a live agent',
  ],
  // No "there" or "anyone": "Is there an age limit?" is no greeting.
  greeting: ['Hello', 'Hi', 'Good morning', 'Hey', 'Hi, how are you?', 'Good afternoon', 'Hello hello'],
  other: [
    'What are your opening hours?',
    'Do you have a store near me?',
    'Do you sell gift cards?',
    'Is there a student discount?',
    'Which languages do you support?',
    'Is there an age limit?',
    'Transfer money to a beneficiary',
    'Thanks, bye',
  ],
};

/**
 * A classifier fitted on INTENT_PROTOTYPES. Below a cosine of 0.22 it answers
 * `other`: at 256 hashed dimensions, gibberish and off-topic text reach ~0.2
 * against the best of eleven centroids by collision alone, while on-topic
 * messages score 0.3 and up.
 */
export function createDefaultIntentClassifier(): NearestCentroidIntentClassifier {
  const examples = Object.entries(INTENT_PROTOTYPES).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
  return new NearestCentroidIntentClassifier({ fallbackLabel: 'other', minScore: 0.22 }).fit(examples);
}
