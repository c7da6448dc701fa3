// The reconciler and the outbox: a customer message whose jobs never reached
// the queue (the process died between commit and hand-over, or the outbox row
// was lost) is still answered, and the answer is stored once.
import { eventually, startTestServer, type TestServer } from '../../../test/testkit.js';
import { forkFor } from '../../platform/database.js';
import { Conversation } from '../conversations/conversation.entity.js';
import { AuthorType } from '../conversations/message.entity.js';
import { appendMessage } from '../conversations/timeline.js';
import { reconcileJob } from './reconcile.job.js';

describe('reconciler', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true', RECONCILE_AFTER_SECONDS: '1' });
    ws = await t.createWorkspace('Reconcile');
    // A small knowledge base, so that the first answer comes from the assistant.
    const entries = [
      ['How do I get a refund?', 'You can request a refund within 30 days of purchase from the Orders page.'],
      ['How do I reset my password?', 'Use the Forgot password link on the sign-in page and follow the email.'],
      ['How long does shipping take?', 'Orders ship within two business days and arrive in three to five days.'],
      ['How do I cancel my subscription?', 'Open Billing, choose Cancel subscription and confirm.'],
    ];
    for (const [question, answer] of entries) {
      const faq = await t.gql(
        `mutation($q: String!, $a: String!) { createFaq(input: {question: $q, answer: $a}) { id } }`,
        { q: question, a: answer },
        ws.token,
      );
      await t.gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id: faq.data.createFaq.id }, ws.token);
    }
  }, 180_000);
  afterAll(() => t.close());

  const replies = async (conversationId: string) =>
    (await t.sql(`select author_type, reply_to_seq from message where conversation_id = ? and author_type in ('AI', 'SYSTEM') order by seq`, [
      conversationId,
    ])) as { author_type: string; reply_to_seq: number | null }[];

  it('writes a customer message and its jobs in one transaction, and re-drives a message whose jobs were lost', async () => {
    // The jobs a message sets off are in the outbox with it, and gone once the queue has them.
    const start = await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k}) { customerToken conversation { id } } }`, { k: ws.widgetKey });
    const { id } = start.data.startConversation.conversation;
    const token = start.data.startConversation.customerToken;
    const sent = await t.gql(
      `mutation($c: ID!) { sendMessage(input: {conversationId: $c, body: "How do I get a refund?", clientMessageId: "m-1"}) { seq } }`,
      { c: id },
      token,
    );
    expect(sent.errors).toBeUndefined();
    await eventually(async () => (await replies(id)).length === 1, 30_000, 'the first answer');
    expect((await replies(id))[0]!.author_type).toBe('AI');
    expect((await t.sql(`select count(*)::int as n from job_outbox where data->>'conversationId' = ?`, [id]))[0].n).toBe(0);

    // A message committed without its jobs (as if the process died before the hand-over).
    const em = forkFor(t.server.deps.orm, ws.workspaceId);
    const conversation = await em.findOneOrFail(Conversation, { id });
    const lost = appendMessage(em, conversation, { authorType: AuthorType.CUSTOMER, body: 'How do I get a refund?' });
    lost.createdAt = new Date(Date.now() - 10_000);
    await em.flush();
    const seq = lost.seq;
    await t.server.deps.jobs.enqueue(reconcileJob, {}, { jobId: `test-${seq}` });
    const after = await eventually(
      async () => {
        const r = await replies(id);
        return r.length === 2 && r;
      },
      30_000,
      'the re-driven answer',
    );
    expect(after[1]).toMatchObject({ author_type: 'AI', reply_to_seq: seq });

    // Running it again finds nothing left to do; the answer is not stored twice.
    await t.server.deps.jobs.enqueue(reconcileJob, {}, { jobId: `test-${seq}-again` });
    await t.server.deps.jobs.idle();
    await eventually(
      async () => (await t.sql(`select count(*)::int as n from message where conversation_id = ? and reply_to_seq = ?`, [id, seq]))[0].n === 1,
      10_000,
      'one reply',
    );
    expect(await replies(id)).toHaveLength(2);
  });
});
