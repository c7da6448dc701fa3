// Browser-safe entry (`@switchboard/schema/client`): the typed documents and the
// resumable conversation feed, without `schemaPath` (which needs node:url).
export type * from './generated/types.js';
export * from './generated/documents.js';
export * from './live.js';
