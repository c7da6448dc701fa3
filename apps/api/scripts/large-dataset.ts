// A large, realistic workspace for analytics at scale: by default 100 000
// conversations with 1 000 000 messages spread over the last 90 days, with
// AI-resolved, handed-off and human-only conversations, agents, CSAT ratings
// and tickets. Written set-based (INSERT … SELECT generate_series) in batches,
// so it takes seconds per batch on PostgreSQL. Deterministic: the same
// options make the same shape of data (timestamps are relative to `now`).
import { randomBytes } from 'node:crypto';
import type { Orm } from '../src/platform/database.js';
import { forkFor } from '../src/platform/database.js';
import { hashPassword } from '../src/modules/auth/auth.service.js';
import { User, UserRole } from '../src/modules/auth/user.entity.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
import { ensureModelConfigs } from '../src/modules/assistant/model-config.service.js';
import type { Config } from '../src/platform/config.js';

export interface LargeDatasetOptions {
  conversations: number;
  /** Messages per conversation (≥ 4). */
  messagesPerConversation: number;
  agents: number;
  days: number;
  batch: number;
  onProgress?: (done: number, total: number) => void;
}

export const LARGE_WORKSPACE_NAME = 'Large dataset';
export const LARGE_ADMIN_EMAIL = 'admin@large.example.com';
export const LARGE_ADMIN_PASSWORD = 'large-dataset-admin';

export const defaultLargeOptions: LargeDatasetOptions = { conversations: 100_000, messagesPerConversation: 10, agents: 25, days: 90, batch: 10_000 };

export async function findLargeWorkspace(orm: Orm): Promise<{ id: string; conversations: number } | null> {
  const rows = await orm.em
    .getConnection()
    .execute<{ id: string; n: number }[]>(
      `select w.id, (select count(*)::int from conversation c where c.workspace_id = w.id) as n from workspace w where w.name = ? limit 1`,
      [LARGE_WORKSPACE_NAME],
    );
  return rows[0] ? { id: rows[0].id, conversations: rows[0].n } : null;
}

// What customers and agents write, by template (`#` is the conversation's
// order number), so conversation search meets realistic words: some rare,
// some in a tenth of all messages.
const CUSTOMER_LINES = [
  'I would like a refund for order #, it arrived too late.',
  'My parcel for order # has not arrived yet. Can you check the tracking?',
  'How do I reset my password? The reset email never comes.',
  'The invoice for order # shows the wrong billing address.',
  'Can I cancel my subscription before the next renewal?',
  'The kettle in order # arrived damaged, the lid is cracked.',
  'Do you ship to Canada and how long does delivery take?',
  'I was charged twice for order #, please look into it.',
  'How do I change the delivery address for order #?',
  'The discount code SAVE10 does not work at checkout.',
  'Where can I download the invoice for order #?',
  'My account is locked after too many login attempts.',
  'Can I exchange the size of the jacket in order #?',
  'The tracking number for order # does not work on the courier site.',
  'Is there a warranty on the coffee grinder?',
  'I need to update my payment card before the renewal.',
];
const AGENT_LINES = [
  'I have issued a refund for order #; it reaches your card in 3 to 5 working days.',
  'Order # left our warehouse yesterday; the courier expects to deliver it tomorrow.',
  'I have sent a new password reset link; please check your spam folder too.',
  'I corrected the invoice for order # and emailed you the new copy.',
  'Your subscription is cancelled and will not renew.',
  'Sorry about the damage: a replacement for order # is on its way.',
  'I have unlocked your account; you can log in again now.',
  'The exchange for order # is booked; a return label is attached.',
];
const pgArray = (lines: string[]) => `{${lines.map((l) => `"${l.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

/**
 * Conversation i (1-based) gets a kind from a hash of i: 45 % answered and
 * resolved by the AI alone, 25 % handed off by the AI (then an agent
 * replies), 30 % human-only (email). 80 % are resolved; 40 % of those rated.
 */
export async function seedLargeDataset(orm: Orm, config: Config, opts: LargeDatasetOptions = defaultLargeOptions): Promise<{ workspaceId: string }> {
  if (opts.messagesPerConversation < 4) throw new Error('messagesPerConversation must be at least 4');
  const em = forkFor(orm, null);
  const workspace = em.create(Workspace, { name: LARGE_WORKSPACE_NAME });
  em.create(User, { workspace, email: LARGE_ADMIN_EMAIL, name: 'Large Admin', role: UserRole.ADMIN, passwordHash: await hashPassword(LARGE_ADMIN_PASSWORD) });
  for (let a = 1; a <= opts.agents; a++) {
    em.create(User, {
      workspace,
      email: `agent${a}-${randomBytes(3).toString('hex')}@large.example.com`,
      name: `Agent ${a}`,
      role: UserRole.AGENT,
      passwordHash: null,
    });
  }
  await em.flush();
  const wsId = workspace.id;
  const configs = await ensureModelConfigs(forkFor(orm, wsId), config, wsId);
  const modelConfigId = configs.find((c) => c.active)?.id ?? configs[0]!.id;
  const conn = orm.em.getConnection();
  const agentIds = (await conn.execute<{ id: string }[]>(`select id from "user" where workspace_id = ? and role = 'AGENT' order by email`, [wsId])).map(
    (r: { id: string }) => r.id,
  );
  const spanSeconds = opts.days * 86400;
  const m = opts.messagesPerConversation;

  for (let start = 1; start <= opts.conversations; start += opts.batch) {
    const end = Math.min(opts.conversations, start + opts.batch - 1);
    await forkFor(orm, null).transactional(async (tx) => {
      const run = (sql: string, params: unknown[] = []) => tx.execute(sql, params as never[], 'run');
      // h1..h4: independent pseudo-random numbers in [0, 1e6) per conversation.
      await run(
        `create temporary table seed_conv on commit drop as
         select i,
           md5(? || ':conv:' || i)::uuid as id,
           md5(? || ':contact:' || i)::uuid as contact_id,
           abs(hashint4(i)) % 100 as kind_roll,
           abs(hashint4(i * 7 + 1)) % 1000000 as h1,
           abs(hashint4(i * 13 + 2)) % 1000000 as h2,
           abs(hashint4(i * 31 + 3)) % 1000000 as h3,
           abs(hashint4(i * 61 + 4)) % 1000000 as h4
         from generate_series(?::int, ?::int) i`,
        [wsId, wsId, start, end],
      );
      await run(
        `alter table seed_conv add column kind text, add column created_at timestamptz, add column step int, add column resolved boolean, add column assignee uuid`,
      );
      await run(
        `update seed_conv set
           kind = case when kind_roll < 45 then 'ai' when kind_roll < 70 then 'handoff' else 'human' end,
           created_at = now() - (h1 * ?::float8 / 1000000) * interval '1 second',
           step = 15 + h2 % 900,
           resolved = h3 % 100 < 80,
           assignee = (?::uuid[])[1 + h4 % ?]`,
        [spanSeconds, `{${agentIds.join(',')}}`, agentIds.length],
      );
      await run(
        `insert into contact (id, workspace_id, name, email, created_at)
         select contact_id, ?, 'Customer ' || i, 'customer' || i || '@large.example.com', created_at from seed_conv`,
        [wsId],
      );
      await run(
        `insert into conversation (id, workspace_id, contact_id, assignee_id, status, mode, channel, priority, handoff_reason,
           last_seq, last_message_at, last_message_id, first_response_at, resolved_at, csat_score, created_at, updated_at,
           had_agent_reply, had_ai_reply, first_responder)
         select id, ?, contact_id,
           case when kind = 'ai' then null else assignee end,
           case when resolved then 'RESOLVED' when h3 % 2 = 0 then 'OPEN' else 'PENDING' end,
           case when kind = 'ai' then 'AI' else 'HUMAN' end,
           case when kind = 'human' then 'EMAIL' when h2 % 10 = 0 then 'API' else 'WEB_WIDGET' end,
           (array['LOW', 'NORMAL', 'NORMAL', 'HIGH', 'URGENT'])[1 + h4 % 5],
           case when kind = 'handoff' then (array['missing_knowledge', 'customer_request', 'low_confidence', 'provider_error'])[1 + h1 % 4] end,
           ?, created_at + (? - 1) * step * interval '1 second', md5(id::text || ':' || ?)::uuid,
           created_at + step * interval '1 second',
           case when resolved then created_at + (? * step + h4 % 3600) * interval '1 second' end,
           case when resolved and h2 % 10 < 4 then 1 + (h1 + h4) % 5 end,
           created_at, created_at + ? * step * interval '1 second',
           kind <> 'ai', kind <> 'human', case when kind = 'human' then 'AGENT' else 'AI' end
         from seed_conv`,
        [wsId, m, m, m, m, m],
      );
      // The seed sets the reply facts itself; the per-row trigger that keeps
      // them for live traffic would only slow a bulk load (this locks the
      // message table until the batch commits).
      await run(`alter table message disable trigger message_reply_facts`);
      // Author by kind and position: the first reply (seq 2) is the AI's or
      // an agent's; a handed-off conversation gets the SYSTEM handoff notice
      // at seq 4 and agent replies after it.
      await run(
        `insert into message (id, workspace_id, conversation_id, seq, author_type, author_user_id, body, client_message_id, created_at,
           reply_to_seq, confidence, model_config_id, prompt_tokens, completion_tokens, latency_ms)
         select md5(c.id::text || ':' || s)::uuid, ?, c.id, s, a.author,
           case when a.author = 'AGENT' then c.assignee end,
           replace(case a.author
             when 'CUSTOMER' then (?::text[])[1 + (c.h1 + s * 7) % ?]
             when 'AI' then 'Here is what our help centre says about order # [1].'
             when 'SYSTEM' then 'An agent will be with you shortly.'
             else (?::text[])[1 + (c.h2 + s) % ?] end, '#', c.i::text),
           case when a.author = 'CUSTOMER' then 'seed-' || s end,
           c.created_at + (s - 1) * c.step * interval '1 second',
           case when a.author = 'AI' then s - 1 end,
           case when a.author = 'AI' then 0.5 + (c.h2 % 50) / 100.0 end,
           case when a.author = 'AI' then ?::uuid end,
           case when a.author = 'AI' then 300 + c.h1 % 500 end,
           case when a.author = 'AI' then 40 + c.h3 % 120 end,
           case when a.author = 'AI' then 200 + c.h4 % 1800 end
         from seed_conv c cross join generate_series(1, ?) s
         cross join lateral (select case
           when c.kind = 'ai' then case when s % 2 = 1 then 'CUSTOMER' else 'AI' end
           when c.kind = 'human' then case when s % 2 = 1 then 'CUSTOMER' else 'AGENT' end
           when s = 1 or s = 3 then 'CUSTOMER' when s = 2 then 'AI' when s = 4 then 'SYSTEM'
           when s % 2 = 1 then 'AGENT' else 'CUSTOMER' end as author) a`,
        [wsId, pgArray(CUSTOMER_LINES), CUSTOMER_LINES.length, pgArray(AGENT_LINES), AGENT_LINES.length, modelConfigId, m],
      );
      await run(`alter table message enable trigger message_reply_facts`);
      // A ticket for one conversation in ten.
      await run(
        `insert into ticket (id, workspace_id, subject, status, priority, assignee_id, conversation_id, due_at, resolved_at, created_at, updated_at)
         select md5(id::text || ':ticket')::uuid, ?, 'Follow-up on order ' || i,
           case when resolved then 'RESOLVED' when h4 % 2 = 0 then 'OPEN' else 'PENDING' end,
           (array['LOW', 'NORMAL', 'HIGH', 'URGENT'])[1 + h2 % 4], assignee, id,
           created_at + interval '2 days',
           case when resolved then created_at + interval '1 day' end,
           created_at + step * interval '1 second', created_at + step * interval '1 second'
         from seed_conv where i % 10 = 0`,
        [wsId],
      );
    });
    opts.onProgress?.(end, opts.conversations);
  }
  // Live traffic writes search documents in time order (the trigger runs as
  // each message is stored); this bulk load wrote them conversation by
  // conversation. Put them in the order live traffic would have.
  await conn.execute('cluster message_search using message_search_workspace_id_created_at_index');
  await conn.execute('analyze');
  return { workspaceId: wsId };
}
