// The database with every entity of the application (platform/database.ts
// knows no module, so the list comes from here).
import { openDatabase, type DatabaseOptions, type Orm } from '../platform/database.js';
import { entities } from './entities.js';

export function createOrm(opts: DatabaseOptions): Promise<Orm> {
  return openDatabase(opts, entities);
}
