// Lean reads: tenant scoping on every call, including when a query shape's
// rendering is reused, and the same rows as the ORM's own find.
import { startTestServer, type TestServer } from '../../test/testkit.js';
import { Contact } from '../modules/contacts/contact.entity.js';
import { Conversation, ConversationStatus } from '../modules/conversations/conversation.entity.js';
import { Workspace } from '../modules/workspaces/workspace.entity.js';
import { forkFor, type Em } from './database.js';
import { findLean, findLeanByIds } from './lean.js';

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
});
