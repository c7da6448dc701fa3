import { startTestServer, type TestServer } from '../../../test/testkit.js';

describe('audit log filters', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('match an action prefix literally: `_` and `%` are not wildcards', async () => {
    const ws = await t.createWorkspace();
    await t.gql(`mutation { createApiKey(input: { name: "k", scopes: [ANALYTICS_READ] }) { apiKey { id } } }`, {}, ws.token);
    const actions = async (action: string) =>
      (await t.gql(`query($a: String) { auditLog(filter: { action: $a }) { edges { node { action } } } }`, { a: action }, ws.token)).data.auditLog.edges.map(
        (e: any) => e.node.action,
      );
    expect(await actions('api_key.')).toContain('api_key.create');
    // `_` would match any character, `%` anything, if passed through to LIKE.
    expect(await actions('api%key.')).toEqual([]);
    expect(await actions('api_ke_.')).toEqual([]);
    expect(await actions('%.')).toEqual([]);
  });
});
