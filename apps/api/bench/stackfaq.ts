// The StackFAQ dev/held-out split used by every figure we report: each FAQ
// has five paraphrases in queries.dev.json (grouped, in order); the fifth of
// each group is held out (125 queries) and never used to choose a weight, a
// threshold or a coefficient; the other four (500) are the dev split.
export type StackfaqSplit = 'dev' | 'heldOut';

export const stackfaqSplit = (queryIndex: number): StackfaqSplit => (queryIndex % 5 === 4 ? 'heldOut' : 'dev');
