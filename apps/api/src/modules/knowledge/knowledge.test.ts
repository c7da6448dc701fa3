import { expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

const CREATE = `mutation($input: CreateFaqInput!) { createFaq(input: $input) { id question status tags category { name } } }`;

describe('knowledge base', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace();
  });
  afterAll(() => t.close());

  it('creates categories and FAQs, publishes, searches and archives', async () => {
    const cat = await t.gql(`mutation { createFaqCategory(input: {name: "Billing"}) { id name } }`, {}, ws.token);
    const categoryId = cat.data.createFaqCategory.id;
    expectError(await t.gql(`mutation { createFaqCategory(input: {name: "Billing"}) { id } }`, {}, ws.token), 'CONFLICT');

    const refund = await t.gql(
      CREATE,
      {
        input: {
          categoryId,
          question: 'How do I get a refund?',
          answer: 'Request it from Settings → Billing within 30 days.',
          tags: ['Refunds', 'refunds', ' billing '],
        },
      },
      ws.token,
    );
    expect(refund.data.createFaq).toMatchObject({ status: 'DRAFT', tags: ['refunds', 'billing'], category: { name: 'Billing' } });
    await t.gql(CREATE, { input: { question: 'How do I reset my password?', answer: 'Use the forgot password link.' } }, ws.token);

    const published = await t.gql(`mutation($id: ID!) { publishFaq(id: $id) { status publishedAt } }`, { id: refund.data.createFaq.id }, ws.token);
    expect(published.data.publishFaq.status).toBe('PUBLISHED');

    const search = await t.gql(`{ faqs(filter: {search: "refunds"}) { edges { node { question } } } }`, {}, ws.token);
    expect(search.data.faqs.edges.map((e: any) => e.node.question)).toEqual(['How do I get a refund?']);
    const drafts = await t.gql(`{ faqs(filter: {status: DRAFT}) { edges { node { question } } } }`, {}, ws.token);
    expect(drafts.data.faqs.edges.map((e: any) => e.node.question)).toEqual(['How do I reset my password?']);
    const inCat = await t.gql(`query($c: ID!) { faqs(filter: {categoryId: $c}) { edges { node { id } } } }`, { c: categoryId }, ws.token);
    expect(inCat.data.faqs.edges).toHaveLength(1);

    const updated = await t.gql(
      `mutation($id: ID!) { updateFaq(input: {id: $id, answer: "Within 60 days now.", categoryId: null}) { answer category { id } } }`,
      { id: refund.data.createFaq.id },
      ws.token,
    );
    expect(updated.data.updateFaq).toEqual({ answer: 'Within 60 days now.', category: null });
    const archived = await t.gql(`mutation($id: ID!) { archiveFaq(id: $id) { status } }`, { id: refund.data.createFaq.id }, ws.token);
    expect(archived.data.archiveFaq.status).toBe('ARCHIVED');

    const cats = await t.gql(`{ faqCategories { name } }`, {}, ws.token);
    expect(cats.data.faqCategories).toEqual([{ name: 'Billing' }]);
  });

  it('keeps category names unique per workspace ignoring case and spaces, and lists them alphabetically ignoring case', async () => {
    const mine = await t.createWorkspace();
    const create = (name: string, token = mine.token) =>
      t.gql(`mutation($n: String!) { createFaqCategory(input: {name: $n}) { id name } }`, { n: name }, token);
    expect((await create('  Billing ')).data.createFaqCategory.name).toBe('Billing');
    for (const dup of ['billing ', 'BILLING', '\tbIlLiNg']) {
      const err = expectError(await create(dup), 'CONFLICT');
      expect(err.message).toBe('A category named "Billing" already exists (category names are compared ignoring case)');
    }
    for (const name of ['Shipping', 'account', 'Zeta', 'apple']) expect((await create(name)).errors).toBeUndefined();
    const cats = await t.gql(`{ faqCategories { name } }`, {}, mine.token);
    expect(cats.data.faqCategories.map((c: any) => c.name)).toEqual(['account', 'apple', 'Billing', 'Shipping', 'Zeta']);

    // Per workspace: another one may use the name in any case.
    const other = await t.createWorkspace();
    expect((await create('billing', other.token)).data.createFaqCategory.name).toBe('billing');

    // The database enforces it too, whatever writes the row (and whichever of two concurrent creates loses).
    await expect(
      t.sql(`insert into faq_category (id, workspace_id, name, created_at) values (gen_random_uuid(), ?, 'SHIPPING', now())`, [mine.workspaceId]),
    ).rejects.toThrow(/faq_category_workspace_id_lower_name_unique/);
    const racing = await Promise.all([create('Returns'), create('RETURNS')]);
    expect(racing.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(1);
    expect(racing.filter((r) => r.data?.createFaqCategory)).toHaveLength(1);
    // The create that loses the race gets past the look-up: the index violation is a CONFLICT too.
    const proto = Object.getPrototypeOf(t.server.deps.orm.em);
    const findOne = proto.findOne;
    const own = Object.hasOwn(proto, 'findOne');
    proto.findOne = function (entity: unknown, ...rest: unknown[]) {
      const name = typeof entity === 'function' ? entity.name : String(entity);
      return name === 'FaqCategory' ? Promise.resolve(null) : findOne.call(this, entity, ...rest);
    };
    try {
      const lost = expectError(await create(' zeta'), 'CONFLICT');
      expect(lost.message).toBe('A category named "zeta" already exists (category names are compared ignoring case)');
    } finally {
      if (own) proto.findOne = findOne;
      else delete proto.findOne;
    }
    const rows = await t.sql(`select name from faq_category where workspace_id = ? order by lower(name)`, [mine.workspaceId]);
    expect(rows.map((r) => r.name.toLowerCase())).toEqual(['account', 'apple', 'billing', 'returns', 'shipping', 'zeta']);
  });

  it('rejects empty FAQs, unknown categories and other tenants', async () => {
    const before = (await t.sql('select count(*)::int as n from faq'))[0].n;
    expectError(await t.gql(CREATE, { input: { question: '', answer: 'x' } }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(CREATE, { input: { question: 'Q?', answer: '  ' } }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(CREATE, { input: { question: 'Q?', answer: 'A', categoryId: '00000000-0000-4000-8000-000000000000' } }, ws.token), 'NOT_FOUND');
    expect((await t.sql('select count(*)::int as n from faq'))[0].n).toBe(before);

    const other = await t.createWorkspace();
    const list = await t.gql(`{ faqs(first: 100) { edges { node { id } } } faqCategories { id } }`, {}, other.token);
    expect(list.data.faqs.edges).toEqual([]);
    expect(list.data.faqCategories).toEqual([]);
    const search = await t.gql(`{ faqs(filter: {search: "password"}) { edges { node { id } } } }`, {}, other.token);
    expect(search.data.faqs.edges).toEqual([]);
  });

  it('lets only admins edit the knowledge base', async () => {
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "kb-agent@example.com", name: "Kai"}) { inviteToken } }`, {}, ws.token);
    const agent = await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "password123"}) { accessToken } }`, {
      t: invite.data.inviteAgent.inviteToken,
    });
    const token = agent.data.acceptInvite.accessToken;
    expectError(await t.gql(CREATE, { input: { question: 'Q?', answer: 'A' } }, token), 'FORBIDDEN');
    const read = await t.gql(`{ faqs { edges { node { id } } } }`, {}, token);
    expect(read.errors).toBeUndefined();
  });
});
