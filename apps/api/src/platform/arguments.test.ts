import { expectError, startTestServer, type TestServer } from '../../test/testkit.js';

// Arguments over GraphQL: an explicit null for any nullable argument means the
// same as leaving it out, and invalid input is explained field by field.
describe('arguments', () => {
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
  ])('explicit null arguments: %s', async (_name, query) => {
    const res = await t.gql(query, {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data).toBeTruthy();
  });

  it('null variables too', async () => {
    const res = await t.gql(`query($f: TicketFilter, $n: Int) { tickets(filter: $f, first: $n) { edges { cursor } } }`, { f: null, n: null }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data.tickets.edges).toEqual([]);
  });

  it('validation errors name each field once', async () => {
    const long = expectError(
      await t.gql(`mutation($n: String!) { createFaqCategory(input: {name: $n}) { id } }`, { n: 'x'.repeat(121) }, token),
      'BAD_USER_INPUT',
    );
    expect(long.message).toBe('Invalid input: name must be shorter than or equal to 120 characters');
    expect(long.extensions!.validation).toEqual([{ field: 'name', message: 'name must be shorter than or equal to 120 characters' }]);

    const blank = expectError(await t.gql(`mutation { createFaqCategory(input: {name: "  "}) { id } }`, {}, token), 'BAD_USER_INPUT');
    expect(blank.message).toBe('Invalid input: name must not be blank');

    const args = expectError(await t.gql(`{ searchKnowledge(query: "", limit: 50) { score } }`, {}, token), 'BAD_USER_INPUT');
    expect(args.message).toBe('Invalid input: query must be longer than or equal to 1 characters; limit must not be greater than 20');

    const nested = expectError(
      await t.gql(`mutation { setModelTrafficSplit(input: {weights: [{modelConfigId: "nope", weight: -5}]}) { id } }`, {}, token),
      'BAD_USER_INPUT',
    );
    expect(nested.message).toBe('Invalid input: weights.0.modelConfigId must be a UUID; weights.0.weight must not be less than 0');
    expect(nested.extensions!.validation).toEqual([
      { field: 'weights.0.modelConfigId', message: 'modelConfigId must be a UUID' },
      { field: 'weights.0.weight', message: 'weight must not be less than 0' },
    ]);
  });
});
