// The knowledge base (FAQs) and hybrid retrieval, which the assistant answers from.
export { Faq } from './faq.entity.js';
export { MEANINGFUL_SIMILARITY, retrieve, type RetrievalHit, type RetrieveOptions } from './retrieval.js';
