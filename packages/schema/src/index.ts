import { fileURLToPath } from 'node:url';

export type * from './generated/types.js';
export * from './generated/documents.js';

/** Absolute path of the SDL contract (schema.graphql) shipped with this package. */
export const schemaPath: string = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export * from './live.js';
