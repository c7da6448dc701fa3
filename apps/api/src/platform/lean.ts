// Read-only queries for hot list paths: the same tenant filters and query
// language as `em.find`, but rows come back as plain objects (relations as
// `{ id }`) instead of managed entities, which costs a fraction of the CPU.
// Never persist what this returns.
//
// The default filters (tenant scoping) are resolved by the ORM for the given
// fork on every call, exactly as `em.find` does: a fork without a workspace
// fails. What is memoised is only the QueryBuilder's rendering of a query
// *shape* into SQL with placeholders, because building the criteria tree
// costs more CPU than running the query (for `id in (...)`, one node per id).
// A shape is reused only when every condition is `property = scalar` on a
// plain column, and only after checking, when it was rendered, that its
// parameters were exactly those values in order; anything else (operators,
// nesting, nulls, dates, custom types) goes through the QueryBuilder as usual.
//
// Writes for hot paths (sendMessage): `findLean` with `lockMode` locks the
// rows it reads (`select ... for update`, inside the caller's transaction),
// `insertLean` INSERTs plain rows and `updateLean` UPDATEs the columns of a
// plain row that changed. A managed entity costs the unit of work a snapshot
// at load, a change-set diff at flush and a QueryBuilder per statement; these
// write the same statements from the same entity metadata, type conversions,
// connection and transaction, without the identity map. The rows written are
// not managed: nothing in the unit of work knows of them.
import { LRUCache } from 'lru-cache';
import { LockMode, type EntityClass, type EntityMetadata, type EntityProperty, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { Em } from './database.js';

export interface LeanOptions<T> {
  orderBy?: QueryOrderMap<T> | QueryOrderMap<T>[];
  limit?: number;
  /** Skip the default filters (the caller guarantees scoping). */
  unscoped?: boolean;
  /** Lock the rows read (`for update` and the like); only inside a transaction, which holds the locks until it ends. */
  lockMode?: LockMode;
}

type Row = Record<string, unknown>;
/** What `run` needs of a QueryBuilder. */
interface Rendered {
  toQuery(): { sql: string; params: readonly unknown[] };
  execute(method: 'all' | 'run', mapResults: false): Promise<unknown>;
}

export async function findLean<T extends object>(em: Em, entity: EntityClass<T>, where: FilterQuery<T>, opts: LeanOptions<T> = {}): Promise<T[]> {
  const meta = em.getMetadata().get(entity);
  const lock = opts.lockMode ?? LockMode.NONE;
  // The QueryBuilder refuses a lock outside a transaction; a reused rendering must too.
  if (lock !== LockMode.NONE && !em.isInTransaction()) throw new Error(`findLean(${meta.className}) with a lock needs a transaction`);
  const cond = await filterCondition(em, entity, opts.unscoped);
  const whereValues = flatScalars(meta, where);
  const condValues = flatScalars(meta, cond);
  const order = orderKey(opts.orderBy);
  const key =
    whereValues && condValues && order !== null
      ? `${meta.className}\0find\0${Object.keys(where as Row).join(',')}\0${Object.keys(cond).join(',')}\0${order}\0${opts.limit ? 'limit' : ''}\0${lock}`
      : null;
  const params = key === null ? [] : [...whereValues!, ...condValues!, ...(opts.limit ? [opts.limit] : [])];
  const rows = await run(em, key, params, () => {
    const qb = em.createQueryBuilder(entity);
    qb.where(where as never);
    // After `where`, which would otherwise replace the filter's condition.
    if (Object.keys(cond).length) qb.andWhere(cond as never);
    if (opts.orderBy) qb.orderBy(opts.orderBy as never);
    if (opts.limit) qb.limit(opts.limit);
    if (lock !== LockMode.NONE) qb.setLockMode(lock);
    return qb;
  });
  return toLeanRows(em, meta, rows);
}

/**
 * `where id in (...ids)` plus the default filters: what DataLoaders send,
 * with the same SQL as `findLean(em, entity, { id: { $in: ids } })`.
 */
export async function findLeanByIds<T extends { id: string }>(
  em: Em,
  entity: EntityClass<T>,
  ids: readonly string[],
  opts: { unscoped?: boolean } = {},
): Promise<T[]> {
  if (ids.length === 0) return [];
  const meta = em.getMetadata().get(entity);
  const cond = await filterCondition(em, entity, opts.unscoped);
  const condValues = flatScalars(meta, cond);
  const key = condValues && `${meta.className}\0ids\0${ids.length}\0${Object.keys(cond).join(',')}`;
  const rows = await run(em, key, key ? [...ids, ...condValues!] : [], () => {
    const qb = em.createQueryBuilder(entity);
    qb.where({ id: { $in: [...ids] } } as never);
    if (Object.keys(cond).length) qb.andWhere(cond as never);
    return qb;
  });
  return toLeanRows(em, meta, rows);
}

/** The default filters' condition for this fork (what `qb.applyFilters()` adds). */
async function filterCondition(em: Em, entity: EntityClass<object>, unscoped?: boolean): Promise<Row> {
  if (unscoped) return {};
  return ((await em.applyFilters(entity, {}, {}, 'read')) ?? {}) as Row;
}

/** The SQL text of each memoised shape, least recently used dropped first. */
const rendered = new LRUCache<string, string>({ max: 1000 });

/** Runs a memoised shape with `params`, or builds, checks and remembers it. */
async function run(em: Em, key: string | null, params: unknown[], build: () => Rendered): Promise<Row[]>;
async function run(em: Em, key: string | null, params: unknown[], build: () => Rendered, method: 'run'): Promise<unknown>;
async function run(em: Em, key: string | null, params: unknown[], build: () => Rendered, method: 'all' | 'run' = 'all'): Promise<unknown> {
  const sql = key === null ? undefined : rendered.get(key);
  if (sql !== undefined) return em.execute(sql, params, method);
  const qb = build();
  if (key !== null) {
    const query = qb.toQuery();
    if (sameValues(query.params, params)) {
      rendered.set(key, query.sql);
    }
  }
  return qb.execute(method, false);
}

function sameValues(a: readonly unknown[], b: readonly unknown[]) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const isPlainObject = (v: unknown): v is Row =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.getOwnPropertySymbols(v).length === 0;

/** A column compared as is: a scalar string/number/boolean property, or a many-to-one by its single key. */
function plainColumn(prop: EntityProperty | undefined): boolean {
  if (!prop || prop.customType || prop.formula || prop.fieldNames?.length !== 1) return false;
  if (prop.kind === 'm:1') return true;
  return prop.kind === 'scalar' && (prop.runtimeType === 'string' || prop.runtimeType === 'number' || prop.runtimeType === 'boolean');
}

/** The values of a `{ property: scalar, ... }` condition on plain columns, or null for anything else. */
function flatScalars(meta: EntityMetadata, cond: unknown): unknown[] | null {
  if (!isPlainObject(cond)) return null;
  const out: unknown[] = [];
  for (const key of Object.keys(cond)) {
    const value = cond[key];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
    if (!plainColumn(meta.properties[key as never] as EntityProperty | undefined)) return null;
    out.push(value);
  }
  return out;
}

/** A key for plain `{ property: 'asc' | 'desc' }` orderings (part of the SQL text), or null. */
function orderKey(orderBy: unknown): string | null {
  if (orderBy === undefined) return '';
  const items = Array.isArray(orderBy) ? orderBy : [orderBy];
  for (const item of items) {
    if (!isPlainObject(item)) return null;
    for (const v of Object.values(item)) if (typeof v !== 'string' && typeof v !== 'number') return null;
  }
  return JSON.stringify(items);
}

const refsByMeta = new WeakMap<EntityMetadata, string[]>();

/** Column names to property names and database values to JS (the ORM's result mapper); m:1 keys become `{ id }`. */
function toLeanRows<T>(em: Em, meta: EntityMetadata, rows: Row[]): T[] {
  let refs = refsByMeta.get(meta);
  if (!refs) {
    refs = meta.relations.filter((p) => p.kind === 'm:1').map((p) => p.name as string);
    refsByMeta.set(meta, refs);
  }
  const driver = em.getDriver();
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = driver.mapResult(rows[i] as never, meta) as Row;
    for (const name of refs) {
      const value = row[name];
      row[name] = value == null ? null : typeof value === 'object' ? value : { id: value };
    }
    out[i] = row as T;
  }
  return out;
}

/** The columns a plain row writes: scalars and many-to-ones of one column each, in the entity's property order (the ORM's column order). */
const columnsByMeta = new WeakMap<EntityMetadata, EntityProperty[]>();

function writableProps(meta: EntityMetadata): EntityProperty[] {
  let props = columnsByMeta.get(meta);
  if (!props) {
    props = meta.props.filter(
      (p) => p.persist !== false && !p.formula && !p.embedded && p.fieldNames?.length === 1 && (p.kind === 'scalar' || p.kind === 'm:1'),
    );
    columnsByMeta.set(meta, props);
  }
  return props;
}

/** A many-to-one's key: an id, or what has one (a plain `{ id }`, an entity, a reference). */
function keyOf(prop: EntityProperty, value: unknown): unknown {
  if (value == null || typeof value !== 'object') return value ?? null;
  return (value as Row)[prop.targetMeta?.primaryKeys[0] ?? 'id'];
}

/** The row's defined properties by property name, relations by key: what the driver's insert takes. */
function insertData(meta: EntityMetadata, row: Row): Row {
  const out: Row = {};
  for (const prop of writableProps(meta)) {
    const value = row[prop.name];
    if (value === undefined) continue;
    out[prop.name] = prop.kind === 'm:1' ? keyOf(prop, value) : value;
  }
  return out;
}

/**
 * INSERTs plain rows (property names; relations as ids or `{ id }`) in the
 * caller's transaction, with the driver's own multi-row insert: the columns
 * are the row's defined properties in the entity's order and values go
 * through the same type conversions as a flush, so the statement is the one
 * the unit of work sends for a new entity (`em.create` + flush) with those
 * properties set. Nothing is filled in: give every column that has no
 * database default (ids, timestamps, the workspace). All rows need the same
 * properties.
 */
export async function insertLean<T extends object>(em: Em, entity: EntityClass<T>, rows: readonly { [K in keyof T]?: unknown }[]): Promise<void> {
  if (!rows.length) return;
  const meta = em.getMetadata().get(entity);
  const data = rows.map((row) => insertData(meta, row as Row));
  await em.getDriver().nativeInsertMany(meta.class, data as never[], {
    ctx: em.getTransactionContext(),
    convertCustomTypes: true,
    processCollections: false,
  });
}

function sameColumnValue(prop: EntityProperty, a: unknown, b: unknown): boolean {
  if (prop.kind === 'm:1') return keyOf(prop, a) === keyOf(prop, b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b || (a == null && b == null);
}

/**
 * UPDATEs the columns of `row` whose values differ from `before` (a copy of
 * the row as read), by primary key: `update "t" set "a" = ?, ... where "id" = ?`,
 * the statement a flush sends for a managed entity with those changes. Like
 * that flush it adds no tenant condition: pass a row read through the tenant
 * filters (and, to write over what was read, locked) in this transaction.
 * Nothing automatic happens (no `onUpdate`): set such columns on the row.
 * Returns whether anything was written.
 */
export async function updateLean<T extends object>(em: Em, entity: EntityClass<T>, row: T, before: Readonly<T>): Promise<boolean> {
  const meta = em.getMetadata().get(entity);
  const current = row as Row;
  const previous = before as Row;
  const changed = writableProps(meta).filter((p) => !p.primary && !sameColumnValue(p, current[p.name], previous[p.name]));
  if (!changed.length) return false;
  const pk = meta.primaryKeys[0]!;
  const id = current[pk];
  if (id == null || id !== previous[pk]) throw new Error(`updateLean(${meta.className}) needs the row's ${pk}, unchanged`);
  const platform = em.getPlatform();
  const data: Row = {};
  const params: unknown[] = [];
  for (const prop of changed) {
    const value = prop.kind === 'm:1' ? keyOf(prop, current[prop.name]) : (current[prop.name] ?? null);
    data[prop.name] = value;
    params.push(value != null && prop.customType ? prop.customType.convertToDatabaseValue(value, platform, { key: prop.name, mode: 'query-data' }) : value);
  }
  params.push(id);
  const key = `${meta.className}\0update\0${changed.map((p) => p.name).join(',')}`;
  await run(
    em,
    key,
    params,
    () =>
      em
        .createQueryBuilder(entity)
        .update(data as never)
        .where({ [pk]: id } as never),
    'run',
  );
  return true;
}
