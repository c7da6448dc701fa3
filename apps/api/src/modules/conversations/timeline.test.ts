// The timeline's domain event: a customer's message reaches its subscriber
// inside the message's own transaction, so the jobs it sets off (the
// assistant's, through the transactional outbox) commit with the message or
// not at all.
import { LockMode } from '@mikro-orm/core';
import { startTestServer, type TestServer } from '../../../test/testkit.js';
import { forkFor } from '../../platform/database.js';
import type { OutboxEntry } from '../../platform/outbox.entity.js';
import { Contact } from '../contacts/contact.entity.js';
import { Workspace } from '../workspaces/workspace.entity.js';
import { Conversation } from './conversation.entity.js';
import { AuthorType, Message } from './message.entity.js';
import { Timeline, type TimelineSubscriber } from './timeline.js';

describe('the conversation timeline', () => {
  let t: TestServer;
  let workspaceId: string;
  let conversationId: string;

  beforeAll(async () => {
    t = await startTestServer();
    const em = forkFor(t.server.deps.orm, null);
    const workspace = em.create(Workspace, { name: 'Timeline' });
    const contact = em.create(Contact, { workspace, name: 'Customer' });
    const conversation = em.create(Conversation, { workspace, contact });
    await em.flush();
    workspaceId = workspace.id;
    conversationId = conversation.id;
  });
  afterAll(() => t.close());

  const appendCustomerMessage = (timeline: Timeline, body: string) =>
    forkFor(t.server.deps.orm, workspaceId).transactional(async (tx) => {
      const conversation = await tx.findOneOrFail(Conversation, { id: conversationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      return timeline.append(tx, conversation, { authorType: AuthorType.CUSTOMER, body });
    });

  it('delivers customerMessageAppended inside the message’s transaction: a failing subscriber stores nothing', async () => {
    const inTransaction: boolean[] = [];
    const failing: TimelineSubscriber = {
      ...t.server.deps.timelineSubscriber,
      customerMessageAppended: ({ em }) => {
        inTransaction.push(em.isInTransaction());
        throw new Error('subscriber failed');
      },
    };
    const timeline = new Timeline({ ...t.server.deps, timelineSubscriber: failing });
    await expect(appendCustomerMessage(timeline, 'Is anyone there?')).rejects.toThrow('subscriber failed');
    expect(inTransaction).toEqual([true]);
    expect(await forkFor(t.server.deps.orm, workspaceId).count(Message, { conversation: conversationId })).toBe(0);
  });

  it('commits the assistant’s jobs to the outbox with the message and dispatches them only when published', async () => {
    const dispatched: OutboxEntry[][] = [];
    const timeline = new Timeline({ ...t.server.deps, outbox: { dispatch: async (entries: OutboxEntry[]) => void dispatched.push(entries) } as never });
    const message = await appendCustomerMessage(timeline, 'How do I get a refund?');
    expect(dispatched).toEqual([]);
    const [stored] = await t.sql<{ job: string }>('select job from job_outbox where job_id = ?', [message.id]);
    expect(stored?.job).toBe('ai.analyze');
    await timeline.publish();
    expect(dispatched.flat().map((e) => e.jobId)).toContain(message.id);
  });

  it('refuses a customer’s message without a subscriber; the assistant’s own messages need none', async () => {
    const bare = new Timeline({ pubSub: t.server.deps.pubSub });
    await expect(appendCustomerMessage(bare, 'Hello?')).rejects.toThrow(/timeline subscriber/);
    const reply = await forkFor(t.server.deps.orm, workspaceId).transactional(async (tx) => {
      const conversation = await tx.findOneOrFail(Conversation, { id: conversationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      return bare.append(tx, conversation, { authorType: AuthorType.AI, body: 'Here is how.' });
    });
    expect(reply.authorType).toBe(AuthorType.AI);
  });
});
