// Tests that need a real service. They are visible skips in the embedded pass
// (vitest reports them), never early returns that pass without checking anything.
// Only for test files: `it` is vitest's global.

/** A test that needs Redis (the PostgreSQL + Redis pass runs it). */
export const withRedis: typeof it.skip = process.env.REDIS_URL ? it : it.skip;
/** A test that needs PostgreSQL itself, e.g. two connections at once (the embedded database has one). */
export const withPostgres: typeof it.skip = process.env.DATABASE_URL ? it : it.skip;
