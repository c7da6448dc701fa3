// The scope matrix, derived from the SDL rather than from the code under test.
// Each API scope owns the types its root fields lead to (its "entry" types
// and what lies behind them, up to another scope's entry type); the ApiScope
// descriptions say which those are. Walking every path from a scope's roots,
// a field on a type another scope owns must be refused (FORBIDDEN, reason
// SCOPE, before anything executes), and a field on its own or a shared type
// must not be refused for its scope.
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { Client } from 'graphql-ws';
import { createSchema } from '../../app/schema.js';
import { createAppPubSub } from '../pubsub.js';
import { startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';

const SCOPES = {
  CONVERSATIONS_READ: {
    roots: ['conversations', 'conversation'],
    entries: ['Conversation', 'ConversationConnection', 'Message', 'MessageConnection', 'Contact'],
  },
  TICKETS_READ: { roots: ['tickets', 'ticket'], entries: ['Ticket', 'TicketConnection'] },
  KNOWLEDGE_READ: { roots: ['faqs', 'faq', 'faqCategories', 'searchKnowledge'], entries: ['Faq', 'FaqConnection', 'FaqCategory', 'KnowledgeHit'] },
  ANALYTICS_READ: { roots: ['analytics'], entries: ['Analytics'] },
} as const;
type Scope = keyof typeof SCOPES;
const ALL = Object.keys(SCOPES) as Scope[];

/** A literal of the argument's type (the refusal happens before any value is used). */
function dummy(type: GraphQLInputType): string {
  if (isNonNullType(type)) return dummy(type.ofType);
  if (isListType(type)) return `[${dummy(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${dummy(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return '"00000000-0000-4000-8000-000000000000"';
      case 'Int':
        return '1';
      case 'Float':
        return '1';
      case 'Boolean':
        return 'true';
      case 'DateTimeISO':
        return '"2026-01-01T00:00:00.000Z"';
      default:
        return '"x"';
    }
  }
  throw new Error(`no dummy for ${String(type)}`);
}

const call = (field: GraphQLField<unknown, unknown>) => {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  return required.length ? `${field.name}(${required.map((a) => `${a.name}: ${dummy(a.type)}`).join(', ')})` : field.name;
};

const objectTypesOf = (type: GraphQLNamedType): GraphQLObjectType[] => (isObjectType(type) ? [type] : isUnionType(type) ? [...type.getTypes()] : []);

/** Which scopes own each type: reached from their roots without passing another scope's entry type. */
function owners(schema: GraphQLSchema): Map<string, Set<Scope>> {
  const owned = new Map<string, Set<Scope>>();
  for (const scope of ALL) {
    const others = new Set(ALL.filter((s) => s !== scope).flatMap((s) => SCOPES[s].entries as readonly string[]));
    const queue = SCOPES[scope].roots.flatMap((r) => objectTypesOf(getNamedType(schema.getQueryType()!.getFields()[r]!.type)));
    const seen = new Set<string>();
    while (queue.length) {
      const type = queue.shift()!;
      if (seen.has(type.name) || others.has(type.name)) continue;
      seen.add(type.name);
      if (!owned.has(type.name)) owned.set(type.name, new Set());
      owned.get(type.name)!.add(scope);
      for (const f of Object.values(type.getFields())) queue.push(...objectTypesOf(getNamedType(f.type)));
    }
  }
  return owned;
}

interface Probe {
  scope: Scope;
  type: string;
  field: string;
  query: string;
  refused: boolean;
}

/** One probe per (type, field) reachable from the scope's roots, along the shortest path. */
function probes(schema: GraphQLSchema): Probe[] {
  const owned = owners(schema);
  const out: Probe[] = [];
  for (const scope of ALL) {
    const queue: { type: GraphQLObjectType; path: string[] }[] = SCOPES[scope].roots.flatMap((r) => {
      const root = schema.getQueryType()!.getFields()[r]!;
      return objectTypesOf(getNamedType(root.type)).map((type) => ({ type, path: [call(root)] }));
    });
    const seen = new Set<string>();
    while (queue.length) {
      const { type, path } = queue.shift()!;
      if (seen.has(type.name) || path.length > 6) continue;
      seen.add(type.name);
      const mine = owned.get(type.name);
      const refused = !!mine && !mine.has(scope) && mine.size > 0 && [...mine].every((s) => s !== scope);
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        const leaf = isObjectType(named) || isUnionType(named) ? `${call(field)} { __typename }` : call(field);
        const inner = isUnionType(getNamedType(field.type)) ? leaf : leaf;
        // Fragments keep the path valid through unions.
        let query = `${inner}`;
        for (let i = path.length - 1; i >= 0; i--) query = `${path[i]} { ${query} }`;
        if (field.name !== 'id') out.push({ scope, type: type.name, field: field.name, query: `{ ${query} }`, refused });
        for (const next of objectTypesOf(named)) {
          const step = isUnionType(named) ? `${call(field)} { ... on ${next.name}` : call(field);
          if (isUnionType(named)) continue; // no union leads anywhere new from the partner roots
          queue.push({ type: next, path: [...path, step] });
        }
      }
    }
  }
  return out;
}

describe('API key scopes on every path', () => {
  let t: TestServer;
  let keys: Record<Scope, string>;
  let all: Probe[];
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
    const ws = await t.createWorkspace();
    keys = {} as Record<Scope, string>;
    for (const scope of ALL) {
      const res = await t.gql(`mutation($s: [ApiScope!]!) { createApiKey(input: { name: "k", scopes: $s }) { secret } }`, { s: [scope] }, ws.token);
      keys[scope] = res.data.createApiKey.secret;
    }
    all = probes(await createSchema(createAppPubSub().pubSub));
  });
  afterAll(() => t.close());

  it('walks enough of the schema to mean something', () => {
    for (const scope of ALL) expect(all.filter((p) => p.scope === scope).length).toBeGreaterThan(5);
    // The path the issue names: a tickets key reaching message bodies through the ticket's conversation.
    expect(all.some((p) => p.scope === 'TICKETS_READ' && p.type === 'Message' && p.field === 'body' && p.refused)).toBe(true);
    expect(all.filter((p) => p.refused).length).toBeGreaterThan(20);
  });

  it.each(ALL)('%s: fields of types other scopes own are refused, its own are not', async (scope) => {
    const mistakes: string[] = [];
    for (const probe of all.filter((p) => p.scope === scope)) {
      const res = await t.gql(probe.query, {}, keys[scope]);
      const scopeRefusal = res.errors?.find((e) => e.extensions?.reason === 'SCOPE');
      if (probe.refused && !(scopeRefusal && res.status === 403 && !res.data)) mistakes.push(`served ${probe.type}.${probe.field}: ${probe.query}`);
      if (!probe.refused && scopeRefusal) mistakes.push(`refused ${probe.type}.${probe.field}: ${scopeRefusal.message}`);
    }
    expect(mistakes).toEqual([]);
  });

  it('refuses the nested ticket → conversation → messages path over graphql-ws too', async () => {
    const client: Client = wsClient(t.wsUrl, keys.TICKETS_READ);
    try {
      const errors = await new Promise<any[]>((resolve) =>
        client.subscribe(
          { query: `{ tickets { edges { node { subject conversation { messages { edges { node { body } } } } } } } }` },
          { next: (r: any) => resolve(r.errors ?? []), error: (e: any) => resolve(e), complete: () => {} },
        ),
      );
      expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
      const ok = await new Promise<any>((resolve) =>
        client.subscribe({ query: `{ tickets { edges { node { subject conversation { id } } } } }` }, { next: resolve, error: resolve, complete: () => {} }),
      );
      expect(ok.errors).toBeUndefined();
      expect(ok.data.tickets.edges).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
