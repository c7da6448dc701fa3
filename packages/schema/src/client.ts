// Browser-safe entry (`@switchboard/schema/client`): the typed documents and the
// resumable conversation feed, without `schemaPath` (which needs node:url).
export * from './generated/graphql.js';
export * from './live.js';
