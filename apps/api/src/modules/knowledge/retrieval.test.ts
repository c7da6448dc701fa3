// Retrieval through the API: BM25 + vector over question, answer and
// alternate questions, and an index that follows every knowledge-base change.
import { eventually, expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

const CREATE = `mutation($input: CreateFaqInput!) { createFaq(input: $input) { id alternateQuestions } }`;
const SEARCH = `query($q: String!) { searchKnowledge(query: $q, limit: 3) { faq { id } } }`;

describe('knowledge retrieval', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true' });
    ws = await t.createWorkspace();
  });
  afterAll(() => t.close());

  const ready = (ids: string[]) =>
    eventually(
      async () => {
        const rows = await t.sql(`select count(*)::int as n from faq where id = any(?::uuid[]) and embedding_status = 'READY'`, [`{${ids.join(',')}}`]);
        return rows[0].n === ids.length;
      },
      30_000,
      'embeddings',
    );
  const search = async (q: string) => {
    const res = await t.gql(SEARCH, { q }, ws.token);
    expect(res.errors).toBeUndefined();
    return res.data.searchKnowledge.map((h: { faq: { id: string } }) => h.faq.id) as string[];
  };
  const publish = (id: string) => t.gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id }, ws.token);

  it('finds an FAQ by one of its alternate questions, and follows edits and archiving', async () => {
    const created = await t.gql(
      CREATE,
      {
        input: {
          question: 'How do I close my account?',
          answer: 'Open Settings, then Account, and press Close account.',
          alternateQuestions: ['  Can I   delete my profile? ', 'How do I close my account?', 'can i delete my profile?', 'Unsubscribe me for good'],
        },
      },
      ws.token,
    );
    expect(created.errors).toBeUndefined();
    // Trimmed, collapsed, de-duplicated ignoring case, and the question itself dropped.
    expect(created.data.createFaq.alternateQuestions).toEqual(['Can I delete my profile?', 'Unsubscribe me for good']);
    const close = created.data.createFaq.id;
    const other = (await t.gql(CREATE, { input: { question: 'Where is my invoice?', answer: 'Invoices are on the Billing page, as PDF.' } }, ws.token)).data
      .createFaq.id;
    await publish(close);
    await publish(other);
    await ready([close, other]);

    // Neither "profile" nor "unsubscribe" is in the question or the answer.
    expect((await search('delete profile'))[0]).toBe(close);
    expect((await search('please unsubscribe me'))[0]).toBe(close);
    expect((await search('invoice pdf'))[0]).toBe(other);

    // An edit replaces the alternates; the next search sees it.
    const edited = await t.gql(
      `mutation($id: ID!) { updateFaq(input: {id: $id, alternateQuestions: ["Cancel my membership"]}) { alternateQuestions } }`,
      { id: close },
      ws.token,
    );
    expect(edited.data.updateFaq.alternateQuestions).toEqual(['Cancel my membership']);
    await ready([close]);
    await eventually(async () => (await search('cancel membership'))[0] === close, 30_000, 'the edited alternates in search');
    expect(await search('please unsubscribe me')).not.toContain(close);

    // Archived: gone from retrieval.
    await t.gql(`mutation($id: ID!) { archiveFaq(id: $id) { id } }`, { id: other }, ws.token);
    await eventually(async () => !(await search('invoice pdf')).includes(other), 30_000, 'the archived FAQ leaving search');
  }, 90_000);

  it('rejects blank or oversized alternate questions', async () => {
    const bad = async (alternateQuestions: string[]) =>
      expectError(await t.gql(CREATE, { input: { question: 'Q?', answer: 'A.', alternateQuestions } }, ws.token), 'BAD_USER_INPUT');
    await bad(['   ']);
    await bad(['x'.repeat(501)]);
    await bad(Array.from({ length: 21 }, (_, i) => `phrasing ${i}`));
  });
});
