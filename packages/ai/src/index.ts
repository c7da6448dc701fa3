// Public surface of the AI layer: the API imports only from here (and test
// helpers from `@switchboard/ai/testing`), so internals can move freely.
export * from './types.js';
export * from './embedding.js';
export * from './semantic-embedding.js';
export * from './provider.js';
export * from './rag.js';
export * from './analysis.js';
export * from './smalltalk.js';
export * from './intent.js';
export * from './chunking.js';
export * from './fusion.js';
export * from './lexical.js';
export * from './metrics.js';
export {
  LocalProvider,
  ANSWER_FEATURES,
  LOCAL_CONFIDENCE_MODEL,
  LOCAL_CONFIDENCE_MODELS,
  LOCAL_FUSION_WEIGHTS,
  answerFeatures,
  hasNoEvidence,
  localConfidence,
  extractAnswer,
  NO_EVIDENCE_SIMILARITY,
} from './local-provider.js';
export * from './logistic.js';
export * from './moderation.js';
export { OpenAiProvider, citedConfidence, messageAnalysisSchema, DEFAULT_OPENAI_CHAT_MODEL, DEFAULT_OPENAI_EMBEDDING_MODEL } from './openai-provider.js';
export * from './intent-bayes.js';
