import { badInput } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rejects malformed ids before they reach the database. */
export function assertId(value: string, field = 'id'): string {
  if (!UUID.test(value)) throw badInput(`${field} is not a valid id`, field);
  return value.toLowerCase();
}
