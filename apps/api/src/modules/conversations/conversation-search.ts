// Conversation search: PostgreSQL full text over message bodies (the
// message_search documents kept by a trigger), contact names and emails, and
// ticket subjects. One statement finds and ranks the conversations, applies
// the inbox filters and pages by (score, last activity, id); a second one
// builds highlighted snippets for the page only.
//
// Queries use PostgreSQL's web-search syntax ("quoted phrases", -excluded,
// or) with every word matched as a prefix, in the 'simple' configuration
// (no stemming or stop words, so every language is treated alike).
import { ObjectType, Field, ID, Int, registerEnumType } from 'type-graphql';
import type { Scope } from '../../platform/context.js';
import { badInput } from '../../platform/errors.js';
import { findLeanByIds } from '../../platform/lean.js';
import { decodeCursor, encodeCursor, type Connection, type Edge } from '../../platform/pagination.js';
import { Conversation } from './conversation.entity.js';
import type { ConversationFilter } from './conversation.inputs.js';

export enum SearchField {
  MESSAGE = 'MESSAGE',
  CONTACT = 'CONTACT',
  TICKET = 'TICKET',
}
registerEnumType(SearchField, { name: 'SearchField', description: 'Where a search matched.' });

@ObjectType({ simpleResolvers: true, description: 'A span of text, in UTF-16 code units (JavaScript string indexes).' })
export class TextRange {
  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  length!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Text that matched a search, with the matching words marked.' })
export class SearchHighlight {
  @Field(() => SearchField)
  field!: SearchField;

  @Field({ description: 'An excerpt of the matching text (fragments joined by " … "); plain text, never markup.' })
  text!: string;

  @Field(() => [TextRange], { description: 'The matching words within `text`.' })
  matches!: TextRange[];

  @Field(() => ID, { nullable: true, description: 'MESSAGE: the message that matched best.' })
  messageId!: string | null;

  @Field(() => Int, { nullable: true, description: 'MESSAGE: its seq, to open the conversation there.' })
  messageSeq!: number | null;
}

/** Fields of ConversationEdge (inherited by it; never referenced itself, so no type of its own is emitted). */
@ObjectType()
export class SearchEdgeFields {
  @Field(() => [SearchHighlight], {
    nullable: true,
    description: 'When the list was searched (`filter.search`): why this conversation matched (contact, ticket subject, best message). Null otherwise.',
  })
  highlights?: SearchHighlight[] | null;
}

export type SearchEdge = Edge<Conversation> & SearchEdgeFields;

/** The search ranks at most this many of the newest matching messages (broad words match far more). */
export const SEARCH_MESSAGE_WINDOW = 1_000;
/**
 * How many of the workspace's newest message documents are read in time
 * order first. A word in at least 1 % of messages fills the window there and
 * the search stops; rarer words are then looked up in the GIN index, where
 * they have few entries. (PostgreSQL cannot tell which case a query is: it
 * has no statistics on words that occur together, and picks the wrong plan
 * for "password reset".)
 */
export const SEARCH_RECENT_DOCUMENTS = 100_000;
export const MAX_SEARCH_LENGTH = 200;

// Weights of the three kinds of match: a contact's name or email names the
// conversation, a ticket subject summarises it, a message is one line of it.
const CONTACT_WEIGHT = 4;
const TICKET_WEIGHT = 2;
const SCORE_SCALE = 1_000_000;

// The tsquery of the web-search syntax, with every word a prefix.
// (No `?` in it: that is a bind placeholder.)
const QUERY_SQL = `nullif(regexp_replace(websearch_to_tsquery('simple', ?)::text, '''(([^'']|'''')+)''', '''\\1'':*', 'g'), '')::tsquery`;
const CONTACT_DOC = `to_tsvector('simple', coalesce(ct.name, '') || ' ' || coalesce(ct.email, ''))`;
const START = '\u0002';
const STOP = '\u0003';
const HEADLINE = `'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=24, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'`;
const clean = (expr: string) => `translate(${expr}, chr(2) || chr(3), '  ')`;

type Cursor = [score: number, at: string, id: string];
const searchCursor = {
  encode: (score: number, at: Date, id: string) => encodeCursor([score, at.toISOString(), id]),
  decode: (cursor: string): Cursor =>
    decodeCursor<Cursor>(
      cursor,
      (p) => p.length === 3 && Number.isSafeInteger(p[0]) && typeof p[1] === 'string' && !Number.isNaN(Date.parse(p[1])) && typeof p[2] === 'string',
    ),
};

/** Validates and normalises `filter.search`: trimmed, 1 to 200 characters. */
export function searchText(search: string): string {
  const text = search.trim();
  if (!text) throw badInput('search must not be empty', 'filter.search');
  if (text.length > MAX_SEARCH_LENGTH) throw badInput(`search must be at most ${MAX_SEARCH_LENGTH} characters`, 'filter.search');
  return text;
}

/**
 * The conversation-level filters as SQL over alias `c` (shared by the search
 * and by nothing else: the unsearched inbox builds the same through MikroORM).
 */
function filterSql(filter: ConversationFilter, params: unknown[]): string {
  const parts: string[] = [];
  const add = (sql: string, value: unknown) => {
    parts.push(sql);
    params.push(value);
  };
  if (filter.status) add('c.status = ?', filter.status);
  if (filter.mode) add('c.mode = ?', filter.mode);
  if (filter.assigneeId) add('c.assignee_id = ?', filter.assigneeId);
  else if (filter.unassigned) parts.push('c.assignee_id is null');
  if (filter.teamId) add('c.team_id = ?', filter.teamId);
  if (filter.from) add('c.created_at >= ?', filter.from);
  if (filter.to) add('c.created_at < ?', filter.to);
  if (filter.contactEmail) {
    parts.push('exists (select 1 from contact e where e.id = c.contact_id and lower(e.email) = ?)');
    params.push(filter.contactEmail.trim().toLowerCase());
  }
  if (filter.labelIds?.length) {
    const ids = [...new Set(filter.labelIds)];
    parts.push(`(select count(*) from conversation_label cl where cl.conversation_id = c.id and cl.label_id in (${ids.map(() => '?').join(', ')})) = ?`);
    params.push(...ids, ids.length);
  }
  return parts.length ? parts.join(' and ') : 'true';
}

interface Hit {
  id: string;
  score: string | number;
  message_id: string | null;
  contact: boolean;
  ticket: boolean;
}

const EMPTY: Connection<Conversation> = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };

export async function searchConversations(
  scope: Scope,
  workspaceId: string,
  filter: ConversationFilter,
  first: number,
  after?: string,
): Promise<Connection<Conversation>> {
  const text = searchText(filter.search!);
  const em = scope.em;
  // The tsquery is built first and then bound as a value, so the planner sees
  // the actual words (a common word walks the newest documents and stops; a
  // rare one reads the GIN index) and the contact and ticket indexes apply.
  const [{ q } = { q: null }] = await em.execute<{ q: string | null }[]>(`select (${QUERY_SQL})::text as q`, [text]);
  if (!q) return { ...EMPTY, pageInfo: { ...EMPTY.pageInfo, hasPreviousPage: Boolean(after) } };
  const W = SEARCH_MESSAGE_WINDOW;
  const params: unknown[] = [
    workspaceId,
    SEARCH_RECENT_DOCUMENTS,
    q,
    W, // recent
    W,
    workspaceId,
    q,
    W, // indexed
    q, // messages
    q,
    CONTACT_WEIGHT,
    workspaceId,
    workspaceId,
    q,
    W, // contacts
    q,
    TICKET_WEIGHT,
    workspaceId,
    q,
    W, // tickets
    SCORE_SCALE,
    workspaceId,
  ];
  const where = filterSql(filter, params);
  let page = '';
  if (after) {
    const [score, at, id] = searchCursor.decode(after);
    page = 'and (r.score, c.last_message_at, c.id) < (?, ?, ?)';
    params.push(score, at, id);
  }
  params.push(first + 1);
  // Each kind of match is bounded: the newest SEARCH_MESSAGE_WINDOW matching
  // messages (PostgreSQL walks the GIN index for rare words, or the newest
  // documents for common ones), and as many contacts and tickets.
  const hits = await em.execute<Hit[]>(
    `with recent as materialized (
       select s.conversation_id, s.message_id, s.document
         from (select * from message_search where workspace_id = ? order by created_at desc limit ?) s
        where s.document @@ ?::tsquery
        order by s.created_at desc limit ?
     ),
     indexed as materialized (
       select s.conversation_id, s.message_id, s.document
         from message_search s
        where (select count(*) from recent) < ? and s.workspace_id = ? and s.document @@ ?::tsquery
        order by s.created_at desc limit ?
     ),
     messages as (
       select * from indexed union all select * from recent r where not exists (select 1 from indexed)
     ),
     hits as (
       (select m.conversation_id, m.message_id, ts_rank_cd(m.document, ?::tsquery) as score, 'M' as kind from messages m)
       union all
       (select c.id, null, ts_rank_cd(${CONTACT_DOC}, ?::tsquery) * ?, 'C'
          from contact ct join conversation c on c.contact_id = ct.id and c.workspace_id = ?
         where ct.workspace_id = ? and ${CONTACT_DOC} @@ ?::tsquery
         limit ?)
       union all
       (select t.conversation_id, null, ts_rank_cd(to_tsvector('simple', t.subject), ?::tsquery) * ?, 'T'
          from ticket t
         where t.workspace_id = ? and t.conversation_id is not null and to_tsvector('simple', t.subject) @@ ?::tsquery
         limit ?)
     ),
     ranked as (
       select conversation_id,
              round(max(score) * ?)::bigint as score,
              (array_agg(message_id order by score desc) filter (where kind = 'M'))[1] as message_id,
              bool_or(kind = 'C') as contact,
              bool_or(kind = 'T') as ticket
         from hits group by conversation_id
     )
     select c.id, r.score, r.message_id, r.contact, r.ticket
       from ranked r join conversation c on c.id = r.conversation_id
      where c.workspace_id = ? and ${where} ${page}
      order by r.score desc, c.last_message_at desc, c.id desc
      limit ?`,
    params,
  );
  const more = hits.length > first;
  const rows = more ? hits.slice(0, first) : hits;
  const [conversations, highlights] = await Promise.all([
    findLeanByIds(
      em,
      Conversation,
      rows.map((r) => r.id),
    ),
    highlightsFor(scope, workspaceId, q, rows),
  ]);
  const byId = new Map(conversations.map((c) => [c.id, c]));
  const edges: SearchEdge[] = [];
  for (const row of rows) {
    const node = byId.get(row.id);
    if (!node) continue;
    edges.push({ node, cursor: searchCursor.encode(Number(row.score), node.lastMessageAt, node.id), highlights: highlights.get(row.id) ?? [] });
  }
  return {
    edges,
    pageInfo: { hasNextPage: more, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** Highlighted excerpts for one page of results: contact, ticket subject, best message. */
async function highlightsFor(scope: Scope, workspaceId: string, query: string, rows: Hit[]): Promise<Map<string, SearchHighlight[]>> {
  const out = new Map<string, SearchHighlight[]>(rows.map((r) => [r.id, []]));
  if (!rows.length) return out;
  const messageIds = rows.map((r) => r.message_id).filter((id): id is string => Boolean(id));
  const contactConvs = rows.filter((r) => r.contact).map((r) => r.id);
  const ticketConvs = rows.filter((r) => r.ticket).map((r) => r.id);
  const found = await scope.em.execute<{ conversation_id: string; kind: string; message_id: string | null; seq: number | null; text: string }[]>(
    `with q as (select ?::tsquery as q)
     select c.id as conversation_id, 'C' as kind, null::uuid as message_id, null::int as seq,
            ts_headline('simple', ${clean(`coalesce(ct.name, '') || ' ' || coalesce(ct.email, '')`)}, q.q, ${HEADLINE}) as text
       from conversation c join contact ct on ct.id = c.contact_id, q
      where c.workspace_id = ? and c.id = any(?::uuid[])
     union all
     select distinct on (t.conversation_id) t.conversation_id, 'T', null, null, ts_headline('simple', ${clean('t.subject')}, q.q, ${HEADLINE})
       from ticket t, q
      where t.workspace_id = ? and t.conversation_id = any(?::uuid[]) and to_tsvector('simple', t.subject) @@ q.q
     union all
     select m.conversation_id, 'M', m.id, m.seq, ts_headline('simple', ${clean('m.body')}, q.q, ${HEADLINE})
       from message m, q
      where m.workspace_id = ? and m.id = any(?::uuid[])`,
    [query, workspaceId, `{${contactConvs.join(',')}}`, workspaceId, `{${ticketConvs.join(',')}}`, workspaceId, `{${messageIds.join(',')}}`],
  );
  const order = { C: 0, T: 1, M: 2 } as Record<string, number>;
  found.sort((a, b) => order[a.kind]! - order[b.kind]!);
  for (const f of found) {
    const { text: plain, matches } = parseHeadline(f.text);
    if (!matches.length) continue;
    out.get(f.conversation_id)?.push({
      field: f.kind === 'C' ? SearchField.CONTACT : f.kind === 'T' ? SearchField.TICKET : SearchField.MESSAGE,
      text: plain.trimEnd(),
      matches,
      messageId: f.message_id,
      messageSeq: f.seq,
    });
  }
  return out;
}

/** ts_headline's output with the control-character markers turned into ranges. */
export function parseHeadline(marked: string): { text: string; matches: TextRange[] } {
  let text = '';
  const matches: TextRange[] = [];
  let open = -1;
  // Leading whitespace is trimmed by the caller: count offsets after it.
  const body = marked.replace(/^\s+/, '');
  for (const ch of body) {
    if (ch === START) open = text.length;
    else if (ch === STOP) {
      if (open >= 0 && text.length > open) matches.push({ start: open, length: text.length - open });
      open = -1;
    } else text += ch;
  }
  return { text, matches };
}
