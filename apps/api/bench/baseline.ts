// The baseline for bench/conversations.ts: a plain graphql-js server
// (node:http + graphql() + buildSchema with root resolvers + pg.Pool) that
// sends the SAME SQL text our MikroORM stack sends for the conversation list
// (same joins, inlined literals, simple query protocol, one query per
// relation through per-request DataLoaders) and the same sendMessage
// transaction. It checks the HS256 JWT with jose like our TokenService does:
// the key imported into WebCrypto once, verified tokens remembered by their
// text (the expiry checked on each use).
// Like Apollo Server, it parses and validates each distinct document once and
// keeps the result (a bounded map keyed on the query text), so the comparison
// measures execution and data access, not a parse cache one side lacks.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import DataLoader from 'dataloader';
import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import pg from 'pg';

const SDL = /* GraphQL */ `
  scalar DateTimeISO
  enum ConversationStatus {
    OPEN
    PENDING
    RESOLVED
  }
  enum ConversationMode {
    AI
    HUMAN
  }
  enum AuthorType {
    CUSTOMER
    AGENT
    AI
    SYSTEM
  }
  type Contact {
    id: ID!
    name: String
    email: String
  }
  type User {
    id: ID!
    name: String!
  }
  type Message {
    id: ID!
    conversationId: ID!
    seq: Int!
    body: String!
    authorType: AuthorType!
    createdAt: DateTimeISO!
  }
  type Conversation {
    id: ID!
    status: ConversationStatus!
    mode: ConversationMode!
    lastSeq: Int!
    lastMessageAt: DateTimeISO!
    contact: Contact!
    assignee: User
    lastMessage: Message
  }
  type ConversationEdge {
    cursor: String!
    node: Conversation!
  }
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type ConversationConnection {
    edges: [ConversationEdge!]!
    pageInfo: PageInfo!
  }
  input SendMessageInput {
    conversationId: ID!
    body: String!
    clientMessageId: String
  }
  type Query {
    conversations(first: Int, after: String): ConversationConnection!
  }
  type Mutation {
    sendMessage(input: SendMessageInput!): Message!
  }
`;

// ---- SQL, written out exactly as MikroORM renders it (`?` = inlined literal) ----

const LIST_SQL = 'select "c0".* from "conversation" as "c0" where "c0"."workspace_id" = ? order by "c0"."last_message_at" desc, "c0"."id" desc limit ?';

// The id list comes first: the tenant filter is and-ed onto the query's own condition.
const byIdsSql = (table: string, alias: string, n: number) =>
  `select "${alias}".* from "${table}" as "${alias}" where "${alias}"."id" in (${Array(n).fill('?').join(', ')}) and "${alias}"."workspace_id" = ?`;

// Ours locks with findLean, which puts the tenant filter after the query's own
// condition (as for the client-message lookup below): same conjuncts, same plan.
const LOCK_CONVERSATION_SQL = 'select "c0".* from "conversation" as "c0" where "c0"."id" = ? and "c0"."workspace_id" = ? limit ? for update';

const FIND_CLIENT_MESSAGE_SQL =
  'select "m0".* from "message" as "m0" where "m0"."conversation_id" = ? and "m0"."client_message_id" = ? and "m0"."workspace_id" = ? limit ?';

// The "lean" variant: what a hand-written server would send (row lock on the conversation only, no joins).
const LEAN_LOCK_CONVERSATION_SQL = 'select * from "conversation" where "workspace_id" = ? and "id" = ? for update';
const LEAN_FIND_CLIENT_MESSAGE_SQL = 'select * from "message" where "workspace_id" = ? and "conversation_id" = ? and "client_message_id" = ? limit 1';

const INSERT_MESSAGE_SQL =
  'insert into "message" ("id", "workspace_id", "created_at", "conversation_id", "seq", "author_type", "kind", "author_user_id", "body", "client_message_id", "moderation") ' +
  'values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

// Every change is also recorded in the webhook event log (kept for replay
// whether or not an endpoint subscribes); which endpoints want it decides
// whether a fan-out is pending.
const ENABLED_ENDPOINTS_SQL = 'select "w0".* from "webhook_endpoint" as "w0" where "w0"."workspace_id" = ? and "w0"."enabled" = ?';
const INSERT_WEBHOOK_EVENT_SQL =
  'insert into "webhook_event" ("id", "workspace_id", "type", "version", "data", "occurred_at", "fan_out_pending") values (?, ?, ?, ?, ?, ?, ?)';

/** Renders a literal the way MikroORM's platform does for these types. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return `'${v.toISOString()}'`;
  return `'${String(v).replaceAll("'", "''")}'`;
}

function inline(template: string, params: unknown[]): string {
  let i = 0;
  return template.replace(/\?/g, () => literal(params[i++]));
}

// ---- server ----

interface Ctx {
  workspaceId: string;
  userId: string;
  role: string;
  q: (template: string, params: unknown[], client?: pg.PoolClient) => Promise<any[]>;
  contact: DataLoader<string, any>;
  user: DataLoader<string, any>;
  message: DataLoader<string, any>;
}

export interface BaselineOptions {
  databaseUrl: string;
  jwtSecret: string;
  poolMax?: number;
  /** sendMessage with a plain row lock instead of our ORM's joined `for update of c0, w1, c2`. */
  leanSend?: boolean;
  /** Receives every SQL template sent (only for the verification pass). */
  onQuery?: (template: string) => void;
}

export interface Baseline {
  url: string;
  server: Server;
  pool: pg.Pool;
  setLeanSend(lean: boolean): void;
  setOnQuery(fn: ((template: string) => void) | undefined): void;
  stop(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

const encodeCursor = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

function messageNode(r: any) {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    body: r.body,
    authorType: r.author_type,
    createdAt: (r.created_at as Date).toISOString(),
  };
}

function conversationNode(r: any) {
  return {
    id: r.id,
    status: r.status,
    mode: r.mode,
    lastSeq: r.last_seq,
    lastMessageAt: (r.last_message_at as Date).toISOString(),
    contact: (_a: unknown, ctx: Ctx) => ctx.contact.load(r.contact_id),
    assignee: (_a: unknown, ctx: Ctx) => (r.assignee_id ? ctx.user.load(r.assignee_id) : null),
    lastMessage: (_a: unknown, ctx: Ctx) => (r.last_message_id ? ctx.message.load(r.last_message_id) : null),
  };
}

function loaders(ws: string, q: Ctx['q']) {
  const byId = (table: string, alias: string, map: (r: any) => any) =>
    new DataLoader<string, any>(async (ids) => {
      const rows = await q(byIdsSql(table, alias, ids.length), [...ids, ws]);
      const m = new Map(rows.map((r) => [r.id, map(r)]));
      return ids.map((id) => m.get(id) ?? null);
    });
  return {
    contact: byId('contact', 'c0', (r) => ({ id: r.id, name: r.name, email: r.email })),
    user: byId('user', 'u0', (r) => ({ id: r.id, name: r.name })),
    message: byId('message', 'm0', messageNode),
  };
}

export async function startBaseline(opts: BaselineOptions): Promise<Baseline> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, min: 0, max: opts.poolMax ?? 10 });
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(opts.jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const verified = new LRUCache<string, JWTPayload>({ max: 10_000 });
  let leanSend = opts.leanSend ?? false;
  let onQuery = opts.onQuery;
  const schema: GraphQLSchema = buildSchema(SDL);

  const q: Ctx['q'] = async (template, params, client) => {
    onQuery?.(template);
    const res = await (client ?? pool).query(inline(template, params));
    return res.rows;
  };

  const rootValue = {
    async conversations(args: { first?: number; after?: string }, ctx: Ctx) {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first must be 1 to 100');
      if (args.after) throw badInput('after is not supported by the baseline');
      const ws = ctx.workspaceId;
      const rows = await q(LIST_SQL, [ws, first + 1]);
      const hasNextPage = rows.length > first;
      const page = hasNextPage ? rows.slice(0, first) : rows;
      const edges = page.map((r) => ({ cursor: encodeCursor([(r.last_message_at as Date).toISOString(), r.id]), node: conversationNode(r) }));
      return {
        edges,
        pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },

    async sendMessage({ input }: { input: { conversationId: string; body: string; clientMessageId?: string | null } }, ctx: Ctx) {
      if (!UUID.test(input.conversationId)) throw badInput('conversationId is not a valid id');
      const body = input.body.trim();
      if (input.body.length < 1 || input.body.length > 10_000 || !/\S/.test(input.body)) throw badInput('body must be 1 to 10000 characters');
      const cmid = input.clientMessageId ?? null;
      if (cmid !== null && (cmid.length < 1 || cmid.length > 100)) throw badInput('clientMessageId must be 1 to 100 characters');
      const ws = ctx.workspaceId;
      const client = await pool.connect();
      try {
        await q('begin', [], client);
        const [conv] = leanSend
          ? await q(LEAN_LOCK_CONVERSATION_SQL, [ws, input.conversationId], client)
          : await q(LOCK_CONVERSATION_SQL, [input.conversationId, ws, 1], client);
        if (!conv) throw new GraphQLError('Conversation not found', { extensions: { code: 'NOT_FOUND' } });
        if (cmid) {
          const [existing] = leanSend
            ? await q(LEAN_FIND_CLIENT_MESSAGE_SQL, [ws, conv.id, cmid], client)
            : await q(FIND_CLIENT_MESSAGE_SQL, [conv.id, cmid, ws, 1], client);
          if (existing) {
            await q('commit', [], client);
            return messageNode(existing);
          }
        }
        // Same state changes as MessageService.send for a staff author.
        const now = new Date();
        const seq = conv.last_seq + 1;
        const id = randomUUID();
        const sets: [string, unknown][] = [['updated_at', now]];
        if (!conv.assignee_id) sets.push(['assignee_id', ctx.userId]);
        if (conv.mode === 'AI') {
          sets.push(['mode', 'HUMAN']);
          if (!conv.handoff_reason) sets.push(['handoff_reason', 'agent_took_over']);
        }
        sets.push(['last_seq', seq], ['last_message_id', id], ['last_message_at', now]);
        if (!conv.first_response_at) sets.push(['first_response_at', now]);
        const endpoints = await q(ENABLED_ENDPOINTS_SQL, [ws, true], client);
        const fanOutPending = endpoints.some((e: { event_types: string[] }) => e.event_types.includes('message.created'));
        await q(INSERT_MESSAGE_SQL, [id, ws, now, conv.id, seq, 'AGENT', 'MESSAGE', ctx.userId, body, cmid, null], client);
        const data = { message: { id, conversationId: conv.id, seq, authorType: 'AGENT', authorUserId: ctx.userId, body, createdAt: now.toISOString() } };
        await q(INSERT_WEBHOOK_EVENT_SQL, [randomUUID(), ws, 'message.created', 1, JSON.stringify(data), now, fanOutPending], client);
        await q(`update "conversation" set ${sets.map(([c]) => `"${c}" = ?`).join(', ')} where "id" = ?`, [...sets.map(([, v]) => v), conv.id], client);
        await q('commit', [], client);
        return { id, conversationId: conv.id, seq, body, authorType: 'AGENT', createdAt: now.toISOString() };
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };

  const send = (res: ServerResponse, status: number, payload: unknown) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  // Parsed and validated documents by query text (errors are kept too), as Apollo's document cache does.
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const prepared = (source: string): DocumentNode | readonly GraphQLError[] => {
    let entry = documents.get(source);
    if (entry) return entry;
    try {
      const document = parse(source);
      const errors = validate(schema, document);
      entry = errors.length ? errors : document;
    } catch (err) {
      entry = [err as GraphQLError];
    }
    if (documents.size >= 1000) documents.delete(documents.keys().next().value!);
    documents.set(source, entry);
    return entry;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-request-id', randomUUID());
    res.setHeader('access-control-allow-origin', '*');
    if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) return send(res, 404, { errors: [{ message: 'Not found' }] });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { errors: [{ message: 'Malformed JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    const auth = req.headers.authorization;
    const match = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
    if (!match) return send(res, 401, { errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] });
    const token = match[1]!.trim();
    let claims = verified.get(token);
    if (claims && Date.now() >= (claims.exp ?? Infinity) * 1000) claims = undefined;
    if (!claims) {
      try {
        ({ payload: claims } = await jwtVerify(token, key, { issuer: 'switchboard', algorithms: ['HS256'] }));
        verified.set(token, claims);
      } catch {
        return send(res, 401, { errors: [{ message: 'Invalid token', extensions: { code: 'UNAUTHENTICATED' } }] });
      }
    }
    if (claims.typ !== 'access' || (claims.role !== 'ADMIN' && claims.role !== 'AGENT')) {
      return send(res, 403, { errors: [{ message: 'Staff only', extensions: { code: 'FORBIDDEN' } }] });
    }
    const workspaceId = claims.wid as string;
    const contextValue: Ctx = { workspaceId, userId: claims.sub!, role: claims.role as string, q, ...loaders(workspaceId, q) };
    const document = prepared(body.query ?? '');
    if (!('kind' in document)) return send(res, 400, { errors: document });
    const result = await execute({
      schema,
      document,
      rootValue,
      contextValue,
      variableValues: body.variables,
      operationName: body.operationName,
    });
    send(res, 200, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { errors: [{ message: String(err?.message ?? err), extensions: { code: 'INTERNAL' } }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    pool,
    setLeanSend: (lean) => {
      leanSend = lean;
    },
    setOnQuery: (fn) => {
      onQuery = fn;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
