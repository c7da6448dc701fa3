// Small knowledge bases (1 to 5 FAQs), as a new workspace has: the local
// provider answers the exact question and close paraphrases of an FAQ and
// still hands off questions the base does not cover. (A lone FAQ once made
// every word look common, and its own exact question was handed off.)
import { eventually, startTestServer, type TestServer } from '../../../test/testkit.js';

const FAQS = [
  ['How do I get a refund?', 'You can request a refund within 30 days of purchase from the Orders page.'],
  ['How do I reset my password?', 'Use the Forgot password link on the sign-in page and follow the email we send you.'],
  ['How long does shipping take?', 'Orders ship within two business days and arrive in three to five days.'],
  ['How do I cancel my subscription?', 'Open Billing, choose Cancel subscription and confirm.'],
  ['Do you ship internationally?', 'Yes, we deliver to over 40 countries; import duties are paid by the recipient.'],
] as const;

const STATE = `query($id: ID!) { conversation(id: $id) { mode handoffReason messages { edges { node { authorType body confidence citations { faq { question } } } } } } }`;

describe('assistant with a small knowledge base (local provider)', () => {
  let t: TestServer;
  const widgetKeys = new Map<number, string>();

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true' });
    for (const size of [1, 2, 5]) {
      const ws = await t.createWorkspace(`Small ${size}`);
      for (const [q, a] of FAQS.slice(0, size)) {
        const faq = await t.gql(`mutation($q: String!, $a: String!) { createFaq(input: {question: $q, answer: $a}) { id } }`, { q, a }, ws.token);
        await t.gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id: faq.data.createFaq.id }, ws.token);
      }
      await eventually(
        async () => {
          const res = await t.gql(`{ faqs(first: 10) { edges { node { embeddingStatus } } } }`, {}, ws.token);
          return res.data.faqs.edges.every((e: any) => e.node.embeddingStatus === 'READY');
        },
        20_000,
        'FAQs to be embedded',
      );
      widgetKeys.set(size, ws.widgetKey);
    }
  }, 120_000);
  afterAll(() => t.close());

  /** Asks in a new conversation; resolves to the cited FAQ question, or the handoff reason. */
  async function outcome(size: number, message: string): Promise<{ cited?: string; handoff?: string }> {
    const res = await t.gql(
      `mutation($k: String!, $m: String!) { startConversation(input: {widgetKey: $k, message: $m}) { customerToken conversation { id } } }`,
      { k: widgetKeys.get(size), m: message },
    );
    const { id } = res.data.startConversation.conversation;
    const token = res.data.startConversation.customerToken;
    return eventually(
      async () => {
        const s = (await t.gql(STATE, { id }, token)).data.conversation;
        const ai = s.messages.edges.find((e: any) => e.node.authorType === 'AI');
        if (ai) return { cited: ai.node.citations[0].faq.question as string };
        return s.mode === 'HUMAN' && { handoff: s.handoffReason as string };
      },
      20_000,
      `an answer or a handoff to "${message}"`,
    );
  }

  it('answers the exact question of a lone FAQ and a close paraphrase', async () => {
    expect(await outcome(1, 'How do I get a refund?')).toEqual({ cited: FAQS[0][0] });
    expect(await outcome(1, 'I want a refund for my order')).toEqual({ cited: FAQS[0][0] });
    expect(await outcome(1, 'how can i get a refund')).toEqual({ cited: FAQS[0][0] });
  });

  it('still hands off what a lone FAQ does not cover', async () => {
    expect(await outcome(1, 'Can you translate Klingon poetry into Latin?')).toEqual({ handoff: 'missing_knowledge' });
    expect(await outcome(1, 'When will my order arrive?')).toEqual({ handoff: 'low_confidence' });
  });

  it('answers every FAQ of a two- and a five-FAQ base by its question and a paraphrase', async () => {
    expect(await outcome(2, 'How do I reset my password?')).toEqual({ cited: FAQS[1][0] });
    expect(await outcome(2, 'I forgot my password')).toEqual({ cited: FAQS[1][0] });
    expect(await outcome(2, 'refund please')).toEqual({ cited: FAQS[0][0] });
    for (const [question] of FAQS) expect(await outcome(5, question)).toEqual({ cited: question });
    expect(await outcome(5, 'how do i cancel my plan subscription')).toEqual({ cited: FAQS[3][0] });
    expect(await outcome(5, 'do you deliver to other countries internationally')).toEqual({ cited: FAQS[4][0] });
    expect(await outcome(5, 'how long will shipping take for my order')).toEqual({ cited: FAQS[2][0] });
  });

  it('hands off unrelated questions in a five-FAQ base', async () => {
    for (const message of ['What is the best temperature to roast a chicken?', 'Who won the football world cup?', 'Can you recommend a good novel?']) {
      expect((await outcome(5, message)).handoff).toMatch(/^(missing_knowledge|low_confidence)$/);
    }
  });
});
