// Query guards, checked in validation before anything executes: depth,
// aliases, directives and token count (GraphQL Armor), field suggestions off
// in production, and a cost limit where lists cost by their page size
// (graphql-query-complexity). Optional trusted-documents mode: only the
// operations shipped in packages/schema may run.
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { print, visit, type DocumentNode, type ParseOptions, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import * as contract from '@switchboard/schema';
import type { Config } from './config.js';
import { AppError } from './errors.js';

export const LIMITS = { depth: 15, aliases: 15, directives: 10, tokens: 3000, cost: 10_000, errors: 10 };

/** A list costs its page size times what each item costs. */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const size = [args.first, args.last, args.limit].find((n) => typeof n === 'number') as number | undefined;
  return size === undefined ? undefined : 1 + Math.max(1, size) * Math.max(1, childComplexity);
};

export interface Guards {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  /** Validation stops after this many errors: a hostile document cannot make us build thousands. */
  validationOptions: { maxErrors: number };
}

export function createGuards(config: Config): Guards {
  const production = config.nodeEnv === 'production';
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.depth, ignoreIntrospection: true },
    maxAliases: { n: LIMITS.aliases },
    maxDirectives: { n: LIMITS.directives },
    // The token limit is graphql-js's own parser option (see parseOptions below): a
    // document over it is a parse error (400), before any validation runs.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  // Armor's typings point at Apollo's CommonJS build; the plugins are the same objects.
  const plugins = [...(armor.plugins as unknown as ApolloServerPlugin[]), costLimitPlugin()];
  if (config.trustedDocuments) plugins.push(trustedDocumentsPlugin());
  return { plugins, validationRules: armor.validationRules, parseOptions: { maxTokens: LIMITS.tokens }, validationOptions: { maxErrors: LIMITS.errors } };
}

/** Cost needs the variables (page sizes often come from them), so it is checked once the operation is resolved. */
function costLimitPlugin(): ApolloServerPlugin {
  const estimators = [pageEstimator, simpleEstimator({ defaultComplexity: 1 })];
  // Apollo hands out one parsed document per distinct query text, so the cost
  // of a (document, operation, variables) triple is computed once.
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const MAX_VARIANTS = 200;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          let byVariables = costs.get(document);
          if (!byVariables) costs.set(document, (byVariables = new Map()));
          let cost = byVariables.get(key);
          if (cost === undefined) {
            cost = getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: request.operationName, estimators });
            if (byVariables.size >= MAX_VARIANTS) byVariables.clear();
            byVariables.set(key, cost);
          }
          if (cost > LIMITS.cost) {
            // Thrown from a plugin hook, where Apollo answers 500 unless told otherwise: this is the client's doing.
            throw new AppError('BAD_USER_INPUT', `Query cost ${cost} exceeds the limit of ${LIMITS.cost}`, { reason: 'COST_LIMIT', cost, http: { status: 400 } });
          }
        },
      };
    },
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

/** Every operation in packages/schema's generated documents, by hash. */
function trustedHashes(): Set<string> {
  const docs = Object.values(contract).filter((v): v is DocumentNode => typeof v === 'object' && v !== null && (v as DocumentNode).kind === 'Document');
  return new Set(docs.map(hashOf));
}

function trustedDocumentsPlugin(): ApolloServerPlugin {
  const allowed = trustedHashes();
  // Apollo hands out one parsed document per distinct query text (and per
  // persisted-query hash): each is checked once, before anything executes.
  const verdicts = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document }) {
          let trusted = verdicts.get(document);
          if (trusted === undefined) verdicts.set(document, (trusted = allowed.has(hashOf(document))));
          if (!trusted) {
            throw new AppError('FORBIDDEN', 'Only trusted operations are accepted by this server', { reason: 'UNTRUSTED_DOCUMENT', http: { status: 403 } });
          }
        },
      };
    },
  };
}
