// Checks on a resolved operation (document + operation name + variables +
// actor), run by both transports after parsing and validation and before
// anything executes: variable coercion, NUL characters, cost, trusted
// documents, and what the actor's resource kinds allow on every selected path.
// Each throws an AppError with the HTTP status it deserves.
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import {
  getNamedType,
  getVariableValues,
  isObjectType,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import * as contract from '@switchboard/schema';
import type { Actor } from '../actor.js';
import { canRead, readRefusal, resourceKindOf, restrictedByKind } from '../authorization.js';
import { AppError } from '../errors.js';

export const LIMITS = { depth: 15, aliases: 15, directives: 10, tokens: 3000, documentChars: 100_000, cost: 10_000, errors: 10 };

export interface ResolvedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName?: string | null;
  variables: Record<string, unknown>;
  actor: Actor;
}

const clientError = (message: string, reason: string, extra: Record<string, unknown> = {}) =>
  new AppError('BAD_USER_INPUT', message, { reason, ...extra, http: { status: 400 } });

/** graphql-js's own coercion, so a wrong variable is the client's 400 with graphql-js's message, never a 500 later. */
export function assertVariables({ schema, operation, variables }: ResolvedOperation): void {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: LIMITS.errors });
  if (coerced.errors) throw clientError(coerced.errors.map((e) => e.message).join('; '), 'INVALID_VARIABLES');
}

const NUL = '\u0000';
const nulInDocument = new WeakMap<DocumentNode, boolean>();

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (depth > 64 || typeof value !== 'object' || value === null) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (containsNul(v, depth + 1)) return true;
  return false;
}

/** PostgreSQL text cannot hold U+0000: refused as the client's mistake instead of failing in the driver. */
export function assertNoNul({ document, variables }: ResolvedOperation): void {
  let inDocument = nulInDocument.get(document);
  if (inDocument === undefined) {
    inDocument = false;
    visit(document, {
      StringValue(node) {
        if (node.value.includes(NUL)) inDocument = true;
      },
    });
    nulInDocument.set(document, inDocument);
  }
  if (inDocument || containsNul(variables)) throw clientError('Text must not contain NUL (U+0000) characters', 'NUL_CHARACTER');
}

/** A list costs its page size times what each item costs. */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const size = [args.first, args.last, args.limit].find((n) => typeof n === 'number') as number | undefined;
  return size === undefined ? undefined : 1 + Math.max(1, size) * Math.max(1, childComplexity);
};
const estimators = [pageEstimator, simpleEstimator({ defaultComplexity: 1 })];

/**
 * The variables a document's cost can depend on: those given to page-size
 * arguments (`first`, `last`, `limit`, which the estimator reads) and to
 * `@include`/`@skip` conditions (which decide what is counted). Nothing else
 * in the variables changes the cost, so a mutation's input does not.
 */
const PAGE_ARGUMENTS = new Set(['first', 'last', 'limit', 'if']);
const costVariablesOf = new WeakMap<DocumentNode, string[]>();
function costVariables(document: DocumentNode): string[] {
  let names = costVariablesOf.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, {
      Argument(node) {
        if (PAGE_ARGUMENTS.has(node.name.value)) visit(node.value, { Variable: (v) => void found.add(v.name.value) });
      },
    });
    costVariablesOf.set(document, (names = [...found].sort()));
  }
  return names;
}

/**
 * Per document, the cost of each operation with each combination of its
 * cost-relevant variables (above) is remembered, bounded: a mutation is
 * costed once, whatever its input; a list once per page size.
 */
export function costChecker(limit = LIMITS.cost) {
  const costs = new WeakMap<DocumentNode, LRUCache<string, number>>();
  return ({ schema, document, operationName, variables }: ResolvedOperation): void => {
    const relevant = costVariables(document);
    const key = relevant.length ? `${operationName ?? ''}\n${JSON.stringify(relevant.map((name) => variables?.[name] ?? null))}` : (operationName ?? '');
    let byVariables = costs.get(document);
    if (!byVariables) costs.set(document, (byVariables = new LRUCache({ max: 200 })));
    let cost = byVariables.get(key);
    if (cost === undefined) {
      cost = getComplexity({ schema, query: document, variables, operationName: operationName ?? undefined, estimators });
      byVariables.set(key, cost);
    }
    if (cost > limit) throw clientError(`Query cost ${cost} exceeds the limit of ${limit}`, 'COST_LIMIT', { cost });
  };
}

/**
 * A document's identity for trusted mode: its printed form without plain
 * `__typename` selections, which clients such as Apollo Client add to every
 * selection set for their caches.
 */
const hashOf = (document: DocumentNode) =>
  createHash('sha256')
    .update(print(visit(document, { Field: (node) => (node.name.value === '__typename' && !node.alias ? null : undefined) })))
    .digest('hex');

/** Only the operations shipped in packages/schema may run. */
export function trustedDocumentsChecker() {
  const docs = Object.values(contract).filter((v): v is DocumentNode => typeof v === 'object' && v !== null && (v as DocumentNode).kind === 'Document');
  const allowed = new Set(docs.map(hashOf));
  const verdicts = new WeakMap<DocumentNode, boolean>();
  return ({ document }: ResolvedOperation): void => {
    let trusted = verdicts.get(document);
    if (trusted === undefined) verdicts.set(document, (trusted = allowed.has(hashOf(document))));
    if (!trusted)
      throw new AppError('FORBIDDEN', 'Only trusted operations are accepted by this server', { reason: 'UNTRUSTED_DOCUMENT', http: { status: 403 } });
  };
}

/**
 * Every selected field, at any depth and through fragments, is checked
 * against its parent type's resource kind for this actor. The verdict
 * depends only on the document and what the actor may read, so it is
 * computed once per (document, scopes).
 */
export function resourceChecker() {
  // Per document, the refusal (false: none) for each set of scopes seen, the 50 most recent kept.
  const verdicts = new WeakMap<DocumentNode, LRUCache<string, string | false>>();
  return ({ schema, document, actor }: ResolvedOperation): void => {
    if (!restrictedByKind(actor)) return;
    const who = actor.kind === 'apiKey' ? `key:${[...actor.scopes].sort().join(',')}` : actor.kind;
    let byActor = verdicts.get(document);
    if (!byActor) verdicts.set(document, (byActor = new LRUCache({ max: 50 })));
    let refusal = byActor.get(who);
    if (refusal === undefined) {
      refusal = false;
      const typeInfo = new TypeInfo(schema);
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          Field(node) {
            if (refusal !== false) return false;
            const name = node.name.value;
            const parent = typeInfo.getParentType();
            // `__typename` and ids name things without revealing them.
            if (!parent || name === '__typename' || (name === 'id' && isObjectType(parent))) return undefined;
            const kind = resourceKindOf(getNamedType(parent).name);
            if (!canRead(actor, kind)) {
              refusal = `${readRefusal(actor, kind)} (${parent.name}.${name})`;
              return false;
            }
            return undefined;
          },
        }),
      );
      byActor.set(who, refusal);
    }
    if (refusal !== false) throw new AppError('FORBIDDEN', refusal, { reason: 'SCOPE', http: { status: 403 } });
  };
}
