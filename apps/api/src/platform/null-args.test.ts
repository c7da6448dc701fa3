import { startTestServer, type TestServer } from '../../test/testkit.js';

// GraphQL lets a client send an explicit null for any nullable argument; it means the same as leaving it out.
describe('explicit null arguments', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer();
    token = (await t.createWorkspace('Nulls')).token;
  });
  afterAll(() => t.close());

  it.each([
    ['conversations', `{ conversations(filter: null, first: null, after: null) { edges { cursor } } }`],
    ['tickets', `{ tickets(filter: null, first: null, after: null) { edges { cursor } } }`],
    ['faqs', `{ faqs(filter: null, first: null, after: null) { edges { cursor } } }`],
    ['auditLog', `{ auditLog(filter: null, first: null, after: null) { edges { cursor } } }`],
    ['analytics', `{ analytics(range: {from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z"}, filter: null) { conversationsCreated } }`],
  ])('%s', async (_name, query) => {
    const res = await t.gql(query, {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data).toBeTruthy();
  });

  it('null variables too', async () => {
    const res = await t.gql(`query($f: TicketFilter, $n: Int) { tickets(filter: $f, first: $n) { edges { cursor } } }`, { f: null, n: null }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data.tickets.edges).toEqual([]);
  });
});
