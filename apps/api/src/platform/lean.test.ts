// Lean reads: tenant scoping on every call, including when a query shape's
// rendering is reused, and the same rows as the ORM's own find. Lean writes:
// locks, inserts and updates of changed columns only, in the caller's transaction.
import { LockMode } from '@mikro-orm/core';
import { eventually, startTestServer, type TestServer } from '../../test/testkit.js';
import { withPostgres } from '../../test/needs.js';
import { Contact } from '../modules/contacts/contact.entity.js';
import { Conversation, ConversationMode, ConversationStatus } from '../modules/conversations/conversation.entity.js';
import { AuthorType, Message, MessageKind } from '../modules/conversations/message.entity.js';
import { Workspace } from '../modules/workspaces/workspace.entity.js';
import { forkFor, type Em } from './database.js';
import { findLean, findLeanByIds, insertLean, updateLean } from './lean.js';
import { randomUUID } from 'node:crypto';

const newestFirst = [{ lastMessageAt: 'desc' }, { id: 'desc' }] as const;
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe('lean reads', () => {
  let t: TestServer;
  const tenants: { id: string; contacts: string[]; conversations: string[]; em: () => Em }[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    const orm = t.server.deps.orm;
    for (const name of ['Lean A', 'Lean B']) {
      const em = forkFor(orm, null);
      const workspace = em.create(Workspace, { name });
      const contacts: Contact[] = [];
      const conversations: Conversation[] = [];
      for (let i = 0; i < 4; i++) {
        const contact = em.create(Contact, { workspace, name: `${name} contact ${i}` });
        contacts.push(contact);
        conversations.push(
          em.create(Conversation, {
            workspace,
            contact,
            status: i % 2 ? ConversationStatus.PENDING : ConversationStatus.OPEN,
            lastMessageAt: new Date(Date.now() - i * 60_000),
          }),
        );
      }
      await em.flush();
      tenants.push({
        id: workspace.id,
        contacts: contacts.map((c) => c.id),
        conversations: conversations.map((c) => c.id),
        em: () => forkFor(orm, workspace.id),
      });
    }
  });
  afterAll(() => t.close());

  it('loads by ids only within the fork’s workspace, call after call', async () => {
    const [a, b] = tenants as [(typeof tenants)[0], (typeof tenants)[0]];
    const everyId = [...a.contacts, ...b.contacts];
    for (let round = 0; round < 3; round++) {
      expect(ids(await findLeanByIds(a.em(), Contact, everyId))).toEqual([...a.contacts].sort());
      expect(ids(await findLeanByIds(b.em(), Contact, everyId))).toEqual([...b.contacts].sort());
    }
    // Same number of ids, other tenant first.
    expect(ids(await findLeanByIds(b.em(), Contact, [...b.contacts, ...a.contacts]))).toEqual([...b.contacts].sort());
    expect(await findLeanByIds(a.em(), Contact, [])).toEqual([]);
  });

  it('lists only the fork’s workspace, with the rows em.find returns', async () => {
    for (let round = 0; round < 3; round++) {
      for (const tenant of tenants) {
        const em = tenant.em();
        const lean = await findLean(em, Conversation, {}, { orderBy: [...newestFirst], limit: 10 });
        expect(lean.map((c) => c.id)).toEqual((await em.find(Conversation, {}, { orderBy: [...newestFirst], limit: 10 })).map((c) => c.id));
        expect(ids(lean)).toEqual([...tenant.conversations].sort());
        // Relations as { id }, dates as dates.
        expect(lean[0]!.contact).toEqual({ id: expect.any(String) });
        expect(lean[0]!.lastMessageAt).toBeInstanceOf(Date);
      }
    }
  });

  it('gives the same answers as em.find for simple and for operator conditions', async () => {
    const [a] = tenants as [(typeof tenants)[0]];
    const conditions = [
      { status: ConversationStatus.OPEN },
      { status: ConversationStatus.PENDING },
      { status: ConversationStatus.OPEN, contact: a.contacts[0] },
      { assignee: null },
      { id: { $in: a.conversations.slice(0, 2) } },
      { $or: [{ status: ConversationStatus.PENDING }, { lastMessageAt: { $gt: new Date(Date.now() - 90_000) } }] },
    ];
    for (let round = 0; round < 2; round++) {
      for (const where of conditions) {
        const em = a.em();
        const lean = await findLean(em, Conversation, where as never, { orderBy: [...newestFirst], limit: 3 });
        const orm = await em.find(Conversation, where as never, { orderBy: [...newestFirst], limit: 3 });
        expect(lean.map((c) => c.id)).toEqual(orm.map((c) => c.id));
      }
    }
  });

  it('fails without a workspace, as em.find does', async () => {
    const em = forkFor(t.server.deps.orm, null);
    await expect(findLean(em, Conversation, {})).rejects.toThrow(/filter 'workspace'/);
    await expect(findLeanByIds(em, Contact, [tenants[0]!.contacts[0]!])).rejects.toThrow(/filter 'workspace'/);
    expect(await findLeanByIds(em, Workspace, [tenants[0]!.id], { unscoped: true })).toHaveLength(1);
  });

  it('locks the rows it reads (select … for update), only within the fork’s workspace, and only in a transaction', async () => {
    const [a, b] = tenants as [(typeof tenants)[0], (typeof tenants)[0]];
    const id = a.conversations[0]!;
    await expect(findLean(a.em(), Conversation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE })).rejects.toThrow(/transaction/);
    // Twice: the second call reuses the rendered shape.
    for (let round = 0; round < 2; round++) {
      const from = t.queries.log.length;
      const [row] = await a.em().transactional((tx) => findLean(tx, Conversation, { id }, { limit: 1, lockMode: LockMode.PESSIMISTIC_WRITE }));
      expect(row?.id).toBe(id);
      expect(t.queries.log.slice(from).filter((sql) => sql.startsWith('select'))).toEqual([
        expect.stringMatching(/^select "c0"\.\* from "conversation" as "c0" where "c0"\."id" = .+ and "c0"\."workspace_id" = .+ limit .+ for update$/),
      ]);
      expect(await b.em().transactional((tx) => findLean(tx, Conversation, { id }, { limit: 1, lockMode: LockMode.PESSIMISTIC_WRITE }))).toEqual([]);
    }
  });

  withPostgres('holds the lock until the transaction ends: another transaction locking the row waits for it', async () => {
    const [a] = tenants as [(typeof tenants)[0]];
    const id = a.conversations[1]!;
    const lock = (tx: Em) => findLean(tx, Conversation, { id }, { limit: 1, lockMode: LockMode.PESSIMISTIC_WRITE });
    // Twice: the second round reuses the rendered shape.
    for (let round = 0; round < 2; round++) {
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const first = a.em().transactional(async (tx) => {
        expect((await lock(tx))[0]?.id).toBe(id);
        locked();
        await held;
      });
      await isLocked;
      const second = a.em().transactional(async (tx) => {
        const [row] = await lock(tx);
        order.push('second has the row');
        return row;
      });
      // The second transaction is seen waiting for the row lock by PostgreSQL itself.
      await eventually(
        async () => (await t.sql(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0].n === 1,
        15_000,
        'the second transaction to wait for the lock',
      );
      expect(order).toEqual([]);
      order.push('first ends');
      release();
      await first;
      expect((await second)?.id).toBe(id);
      expect(order).toEqual(['first ends', 'second has the row']);
    }
  });

  it('inserts plain rows with the ORM’s conversions, committed or rolled back with the transaction', async () => {
    const [a] = tenants as [(typeof tenants)[0]];
    const conversation = a.conversations[1]!;
    const row = (seq: number) => ({
      id: randomUUID(),
      workspace: { id: a.id },
      conversation: { id: conversation },
      seq,
      authorType: AuthorType.CUSTOMER,
      kind: MessageKind.MESSAGE,
      authorUser: null,
      body: `lean insert ${seq}`,
      clientMessageId: null,
      moderation: { flagged: false, categories: ['x'], pii: [], source: 'local' as const },
      createdAt: new Date(Date.now() - 1000 + seq),
    });
    const rows = [row(1), row(2)];
    await a.em().transactional((tx) => insertLean(tx, Message, rows));
    const stored = await a.em().find(Message, { conversation }, { orderBy: { seq: 'asc' } });
    expect(stored.map((m) => [m.id, m.seq, m.body, m.conversation.id, m.workspace.id, m.kind, m.moderation, m.createdAt.getTime()])).toEqual(
      rows.map((r) => [r.id, r.seq, r.body, conversation, a.id, MessageKind.MESSAGE, r.moderation, r.createdAt.getTime()]),
    );
    const lost = row(3);
    await expect(
      a.em().transactional(async (tx) => {
        await insertLean(tx, Message, [lost]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await a.em().count(Message, { id: lost.id })).toBe(0);
    // A database constraint still holds: the same seq again is refused.
    await expect(a.em().transactional((tx) => insertLean(tx, Message, [{ ...row(2), id: randomUUID() }]))).rejects.toThrow(/unique|duplicate/i);
  });

  it('updates only the columns that changed, by key, call after call', async () => {
    const [a] = tenants as [(typeof tenants)[0]];
    const id = a.conversations[2]!;
    for (let round = 0; round < 3; round++) {
      const language = `l${round}`;
      const wrote = await a.em().transactional(async (tx) => {
        const [row] = await findLean(tx, Conversation, { id }, { limit: 1, lockMode: LockMode.PESSIMISTIC_WRITE });
        const before = { ...row! };
        // Written by someone else after the read: an update of changed columns only leaves it alone.
        await tx.execute('update conversation set language = ? where id = ?', [language, id]);
        expect(await updateLean(tx, Conversation, row!, before)).toBe(false);
        row!.mode = round % 2 ? ConversationMode.AI : ConversationMode.HUMAN;
        row!.lastSeq += 1;
        row!.resolvedAt = new Date(Date.UTC(2026, 0, round + 1));
        return updateLean(tx, Conversation, row!, before);
      });
      expect(wrote).toBe(true);
      const stored = await a.em().findOneOrFail(Conversation, { id });
      expect([stored.mode, stored.lastSeq, stored.resolvedAt, stored.language]).toEqual([
        round % 2 ? ConversationMode.AI : ConversationMode.HUMAN,
        round + 1,
        new Date(Date.UTC(2026, 0, round + 1)),
        language,
      ]);
    }
  });
});
