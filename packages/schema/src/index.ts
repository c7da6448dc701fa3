import { fileURLToPath } from 'node:url';

export * from './generated/graphql.js';

/** Absolute path of the SDL contract (schema.graphql) shipped with this package. */
export const schemaPath: string = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export * from './live.js';
