// METRICS_ENABLED=false: the API serves no /metrics (404) and keeps working
// over both transports. Its own file: the switch is per process (module).
import { collect, startTestServer, wsClient, type TestServer } from '../../test/testkit.js';
import { registry } from './metrics.js';

describe('METRICS_ENABLED=false', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ METRICS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('answers 404 on /metrics, records no operations and no process metrics, and still serves GraphQL over HTTP and graphql-ws', async () => {
    const ws = await t.createWorkspace('Quiet');
    const me = await t.gql(`query Me { me { id } }`, {}, ws.token);
    expect(me.errors).toBeUndefined();
    const client = wsClient(t.wsUrl, ws.token);
    const feed = collect(client, `subscription { systemStatus { status } }`);
    await feed.until((events) => events.length > 0);
    feed.dispose();
    await client.dispose();

    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(404);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.some((n) => n.startsWith('switchboard_process_') || n.startsWith('switchboard_nodejs_'))).toBe(false);
    const operations = await registry.getSingleMetric('switchboard_graphql_operations_total')!.get();
    expect(operations.values).toEqual([]);
  });
});
