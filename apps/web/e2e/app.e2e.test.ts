// End to end in real headless Chromium against the real API (embedded
// database, demo seed) and the production build of the web app.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { print } from 'graphql';
import { AnalyticsDocument, type AnalyticsQuery } from '@switchboard/schema/client';
import { authorTypeLabel, duration, handoffReasonLabel, humanize, percent } from '../src/lib/format.ts';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
import {
  apiCall,
  CHROMIUM,
  DEMO_ADMIN,
  DEMO_AGENT,
  ensureArtifactsDir,
  hasChromium,
  launchBrowser,
  startApi,
  startWeb,
  type ApiHandle,
  type WebHandle,
} from './harness.ts';

const chromiumAvailable = hasChromium();
if (!chromiumAvailable) {
  console.warn(`\n[e2e] SKIPPED: ${CHROMIUM} not found. Install Debian's Chromium (as root: apt-get install -y chromium) to run the end-to-end tests.\n`);
}

const run = Date.now().toString(36);
const CUSTOMER = `E2E Customer ${run}`;
const NEW_FAQ = {
  question: `Do you ship orders to Antarctica ${run}?`,
  answer: 'Yes. Orders to Antarctic research stations ship every March on the supply vessel and arrive in about six weeks.',
};

describe.skipIf(!chromiumAvailable)('Switchboard web app (e2e)', () => {
  let api: ApiHandle;
  let web: WebHandle;
  let browser: Browser;
  let artifacts: string;
  const contexts: BrowserContext[] = [];
  let agent: Page;
  let customer: Page;
  let admin: Page;
  let openBefore = 0;

  /** Accessibility findings (axe-core, WCAG 2.1 A and AA) of every screen a screenshot is taken of. */
  const a11yFindings: { screen: string; rule: string; impact: string; help: string; targets: string[]; html: string[]; why: string[] }[] = [];
  async function audit(page: Page, screen: string) {
    await page.addScriptTag({ path: AXE });
    const { violations } = await page.evaluate(() =>
      (
        window as unknown as {
          axe: {
            run(
              ctx: Document,
              opts: object,
            ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[]; html: string; failureSummary: string }[] }[] }>;
          };
        }
      ).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
      }),
    );
    for (const v of violations)
      a11yFindings.push({
        screen,
        rule: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
        html: v.nodes.slice(0, 5).map((n) => n.html.slice(0, 300)),
        why: v.nodes.slice(0, 5).map((n) => n.failureSummary),
      });
  }
  async function shot(page: Page, name: string, { fullPage = false } = {}) {
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage });
    await audit(page, name);
  }

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
    return { context, page };
  }

  async function signIn(page: Page, path: string, who: { email: string; password: string }) {
    await page.goto(`${web.url}${path}`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel(/^Password/).fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function startChat(page: Page, name: string, message: string) {
    await page.goto(`${web.url}/chat?widgetKey=${encodeURIComponent(api.widgetKey)}`);
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('How can we help?').fill(message);
    await page.getByRole('button', { name: 'Start chat' }).click();
  }

  async function say(page: Page, text: string) {
    const box = page.getByLabel('Your message');
    await box.fill(text);
    await box.press('Enter');
  }

  /** The API itself, without the browser. */
  const call = <T>(query: string, variables: Record<string, unknown>, token?: string) => apiCall<T>(api, query, variables, token);

  beforeAll(async () => {
    artifacts = ensureArtifactsDir();
    api = await startApi({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32' });
    web = await startWeb(api.url);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await web?.stop().catch(() => undefined);
    await api?.stop().catch(() => undefined);
  });

  it('an admin signs in; every published FAQ is in the search index', async () => {
    ({ page: admin } = await newPage());
    await signIn(admin, '/admin/knowledge', DEMO_ADMIN);
    await admin.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    await admin.getByTestId('faq-row').first().waitFor();
    // Seeded FAQs are indexed in the background at start-up (older API versions did not
    // index them at all): if any is not indexed, rebuild the index from the admin UI.
    const rebuild = admin.getByRole('button', { name: /Rebuild search index/ });
    if (await rebuild.isVisible()) {
      console.info(`[e2e] some published FAQs were not indexed yet: ${await rebuild.textContent()}`);
      await rebuild.click();
    }
    await expect
      .poll(
        () =>
          admin.locator('[data-testid="faq-row"]:has([data-testid="faq-status"]:text-is("published")) [data-embedding]:not([data-embedding="READY"])').count(),
        {
          timeout: 30_000,
        },
      )
      .toBe(0);
  });

  it('an agent signs in and sees the live inbox', async () => {
    ({ page: agent } = await newPage());
    await signIn(agent, '/agent', DEMO_AGENT);
    await expect.poll(() => agent.getByRole('heading', { name: 'Inbox' }).isVisible()).toBe(true);
    // The seeded conversations are there; the connection is live.
    await agent.getByTestId('inbox-item').first().waitFor();
    await agent.locator('[data-connection="connected"]').waitFor();
    openBefore = Number(await agent.getByTestId('count-open').textContent());
    // Colleagues' presence: the admin signed in a moment ago.
    await agent.getByTestId('team-presence').getByText('Demo Admin').waitFor();
  });

  it('(1) a customer asks a seeded FAQ question in the widget and sees the AI answer, streamed, with its source', async () => {
    ({ page: customer } = await newPage({ width: 360, height: 720 }));
    await startChat(customer, CUSTOMER, 'How do I get a refund?');
    const answer = customer.locator('[data-testid="message"][data-author="AI"]').first();
    await answer.waitFor();
    await expect.poll(() => answer.textContent()).toContain('refund');
    await expect.poll(() => answer.getByTestId('sources').textContent()).toContain('How do I get a refund?');
    // The reply arrived as AiAnswerChunks before it was stored.
    expect(Number(await answer.getAttribute('data-streamed-chunks'))).toBeGreaterThan(1);
    // 360 px wide: nothing overflows horizontally.
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(customer, 'widget-ai-answer-360px');
  });

  it('(2) the conversation appears live in the agent inbox; the agent replies and the customer sees it', async () => {
    const item = agent.getByTestId('inbox-item').filter({ hasText: CUSTOMER });
    await item.waitFor();
    // The counts moved with it.
    await expect.poll(async () => Number(await agent.getByTestId('count-open').textContent())).toBe(openBefore + 1);
    await item.click();
    await agent.getByRole('heading', { name: CUSTOMER }).waitFor();
    await agent.getByTestId('thread').locator('[data-testid="message"][data-author="CUSTOMER"]', { hasText: 'How do I get a refund?' }).waitFor();
    await shot(agent, 'agent-console');

    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.pressSequentially('Hi! I am Alex,', { delay: 10 });
    // The customer sees the agent typing (setTyping → TypingChanged).
    await expect.poll(() => customer.locator('.sbw-typing').textContent()).toContain('is typing');
    await reply.fill('Hi! I am Alex, happy to help with the refund.');
    await reply.press('Enter');

    const agentMessage = customer.locator('[data-testid="message"][data-author="AGENT"]', { hasText: 'happy to help with the refund' });
    await agentMessage.waitFor();
    // The agent's reply took the conversation over from the AI.
    await expect.poll(() => customer.locator('.sbw-header').textContent()).toContain('chatting with');
    await shot(customer, 'widget-agent-reply');

    // Assignment: the reply assigned the conversation to the agent; unassign and take it back.
    await expect.poll(() => agent.getByTestId('assignee-badge').textContent()).toBe('Assigned to you');
    await agent.getByRole('button', { name: 'Unassign' }).click();
    await expect.poll(() => agent.getByTestId('assignee-badge').textContent()).toBe('Unassigned');
    await agent.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => agent.getByTestId('assignee-badge').textContent()).toBe('Assigned to you');

    // A ticket raised from the conversation.
    await agent.getByRole('button', { name: 'Create ticket' }).first().click();
    const dialog = agent.getByRole('dialog');
    await dialog.getByLabel('Subject').fill(`Refund for ${CUSTOMER}`);
    await dialog.getByRole('button', { name: 'Create ticket' }).click();
    await agent.getByTestId('ticket-created').waitFor();

    // AI suggestion and knowledge search in the side panel.
    await agent.getByRole('button', { name: 'Suggest a reply' }).click();
    await agent.getByTestId('suggestion').waitFor();
    await agent.getByRole('tab', { name: 'Knowledge' }).click();
    await agent.getByLabel('Search the knowledge base').fill('invoice');
    await agent.getByRole('list', { name: 'Search results' }).getByText('How do I download an invoice?', { exact: true }).first().waitFor();
    await shot(agent, 'agent-assist-panel');
  });

  it('(3) the agent goes offline and comes back: no message is lost or duplicated', async () => {
    const agentContext = agent.context();
    await agentContext.setOffline(true);
    await agent.locator('[data-connection="offline"]').waitFor();

    await say(customer, 'First message while the agent is offline');
    await say(customer, 'Second message while the agent is offline');
    await customer.locator('[data-testid="message"][data-author="CUSTOMER"]', { hasText: 'Second message while the agent is offline' }).waitFor();

    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.fill('Reply typed while offline');
    await reply.press('Enter');
    await agent.locator('[data-testid="pending-message"][data-status="retrying"]').waitFor();
    await shot(agent, 'agent-offline');
    await agent.waitForTimeout(2_000);

    await agentContext.setOffline(false);
    await agent.locator('[data-connection="connected"]').waitFor({ timeout: 30_000 });

    const thread = agent.getByTestId('thread');
    for (const text of ['First message while the agent is offline', 'Second message while the agent is offline']) {
      await thread.locator('[data-testid="message"]', { hasText: text }).waitFor();
    }
    // The queued reply went out once, and the customer got it once.
    await customer.locator('[data-testid="message"][data-author="AGENT"]', { hasText: 'Reply typed while offline' }).waitFor();
    await agent.waitForTimeout(1_000);
    const seqs = await thread.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    for (const text of ['First message while the agent is offline', 'Second message while the agent is offline', 'Reply typed while offline']) {
      expect(await thread.locator('[data-testid="message"]', { hasText: text }).count()).toBe(1);
      expect(await customer.locator('[data-testid="message"]', { hasText: text }).count()).toBe(1);
    }
    expect(await agent.getByTestId('pending-message').count()).toBe(0);
    await shot(agent, 'agent-back-online');

    // The customer's connection drops too: what the agent sends meanwhile arrives once, after it.
    await customer.context().setOffline(true);
    await customer.locator('[data-connection="offline"]').waitFor();
    await say(customer, 'Customer message while offline');
    await agent.getByRole('textbox', { name: 'Reply', exact: true }).fill('Agent message while the customer is offline');
    await agent.getByRole('textbox', { name: 'Reply', exact: true }).press('Enter');
    await thread.locator('[data-testid="message"]', { hasText: 'Agent message while the customer is offline' }).waitFor();
    await customer.waitForTimeout(1_500);
    await customer.context().setOffline(false);
    await customer.locator('[data-connection="connected"]').waitFor({ timeout: 30_000 });
    await customer.locator('[data-testid="message"]', { hasText: 'Agent message while the customer is offline' }).waitFor();
    await thread.locator('[data-testid="message"]', { hasText: 'Customer message while offline' }).waitFor();
    await customer.waitForTimeout(500);
    for (const text of ['Customer message while offline', 'Agent message while the customer is offline']) {
      expect(await customer.locator('[data-testid="message"]', { hasText: text }).count()).toBe(1);
      expect(await thread.locator('[data-testid="message"]', { hasText: text }).count()).toBe(1);
    }
    const customerSeqs = await customer.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(customerSeqs).toEqual(Array.from({ length: customerSeqs.length }, (_, i) => i + 1));
    await shot(customer, 'widget-after-reconnect');
  });

  it('the agent scrolls back through a long conversation (messages(last, before))', async () => {
    const { startConversation } = await call<{ startConversation: { customerToken: string; conversation: { id: string } } }>(
      'mutation($i: StartConversationInput!) { startConversation(input: $i) { customerToken conversation { id } } }',
      { i: { widgetKey: api.widgetKey, name: `Long ${run}` } },
    );
    const { customerToken, conversation } = startConversation;
    const send = (body: string) =>
      call('mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }', { i: { conversationId: conversation.id, body } }, customerToken);
    await send('I want to talk to a human');
    for (let i = 1; i <= 45; i++) await send(`Long message ${i}`);

    await agent.goto(`${web.url}/agent/c/${conversation.id}`);
    const thread = agent.getByTestId('thread');
    await thread.getByText('Long message 45', { exact: true }).waitFor();
    const firstPage = await thread.locator('[data-testid="message"]').count();
    expect(firstPage).toBe(30);
    // Scrolling up loads the older pages until the start of the conversation.
    const scroller = agent.locator('.sb-convo .sb-scroll');
    await expect
      .poll(async () => {
        await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
        return agent.getByText('Start of the conversation').isVisible();
      })
      .toBe(true);
    await thread.getByText('I want to talk to a human', { exact: true }).waitFor();
    const seqs = await thread.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeGreaterThanOrEqual(46);
    await shot(agent, 'agent-history-scrolled');
  });

  it('the customer pages back through a long conversation in the widget, with nothing missing or doubled', async () => {
    const { startConversation } = await call<{ startConversation: { customerToken: string; conversation: { id: string } } }>(
      'mutation($i: StartConversationInput!) { startConversation(input: $i) { customerToken conversation { id } } }',
      { i: { widgetKey: api.widgetKey, name: `Paging ${run}` } },
    );
    const { customerToken, conversation } = startConversation;
    await call('mutation($id: ID!) { handOffToHuman(id: $id) { id } }', { id: conversation.id }, customerToken);
    for (let i = 1; i <= 70; i++) {
      await call(
        'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }',
        { i: { conversationId: conversation.id, body: `Page message ${i}` } },
        customerToken,
      );
    }
    const { page } = await newPage({ width: 360, height: 720 });
    await page.goto(`${web.url}/embed-demo.html`); // same origin: store the session the widget would have stored
    await page.evaluate(
      ([key, value]) => localStorage.setItem(key!, value!),
      [`switchboard.widget.${api.widgetKey}`, JSON.stringify({ conversationId: conversation.id, customerToken, name: `Paging ${run}` })],
    );
    await page.goto(`${web.url}/chat?widgetKey=${encodeURIComponent(api.widgetKey)}`);
    await page.getByText('Page message 70', { exact: true }).waitFor();
    const seqs = () => page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(await seqs()).toHaveLength(50);
    await page.getByRole('button', { name: 'Show earlier messages' }).click();
    await page.getByText('Page message 1', { exact: true }).waitFor();
    // 71 messages (the handoff note included), in order, once each; nothing earlier to load.
    const all = await seqs();
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all.length).toBeGreaterThanOrEqual(71);
    expect(await page.getByRole('button', { name: 'Show earlier messages' }).count()).toBe(0);
    await shot(page, 'widget-earlier-messages');
  });

  it('an agent saves a reply and answers with its /shortcut (placeholders filled), then labels the conversation', async () => {
    await agent.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Saved replies' }).click();
    await agent.getByRole('heading', { name: 'Saved replies' }).waitFor();
    const form = agent.getByRole('form', { name: 'New saved reply' });
    await form.getByLabel('Shortcut').fill('anything');
    await form.getByLabel('Title').fill('Anything else?');
    await form.getByLabel('Text').fill('Thanks {{contact.name|there}}! Is there anything else {{agent.name}} can do for you?');
    await form.getByRole('button', { name: 'Add reply' }).click();
    await agent.getByRole('table').getByText('/anything', { exact: true }).waitFor();
    await shot(agent, 'agent-saved-replies');

    await agent.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
    await agent.getByTestId('inbox-item').filter({ hasText: CUSTOMER }).click();
    await agent.getByRole('heading', { name: CUSTOMER }).waitFor();
    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.fill('/anyth');
    const picker = agent.getByRole('listbox', { name: 'Saved replies' });
    await picker.getByRole('option', { name: /\/anything/ }).waitFor();
    expect(await picker.getByRole('option').count()).toBe(1);
    await shot(agent, 'agent-canned-picker');
    await reply.press('Enter');
    const filled = `Thanks ${CUSTOMER}! Is there anything else Alex Agent can do for you?`;
    await expect.poll(() => reply.inputValue()).toBe(filled);
    await expect.poll(() => picker.count()).toBe(0);
    await reply.press('Enter');
    await customer.locator('[data-testid="message"][data-author="AGENT"]', { hasText: filled }).waitFor();
    await expect.poll(() => reply.inputValue()).toBe('');

    // An admin adds a label; the agent puts it on the conversation from its header.
    await admin.goto(`${web.url}/admin/labels`);
    const labelForm = admin.getByRole('form', { name: 'New label' });
    await labelForm.getByLabel('Name').fill('refund request');
    await labelForm.getByRole('button', { name: 'Add label' }).click();
    await admin.getByTestId('label-row').filter({ hasText: 'refund request' }).waitFor();
    await shot(admin, 'admin-labels');
    await agent.getByRole('button', { name: 'Add a label' }).click();
    await agent.getByRole('menuitem', { name: 'refund request', exact: true }).click();
    await agent.getByRole('menuitem', { name: 'refund request (on this conversation: take it off)' }).waitFor();
    await agent.getByTestId('conversation-label').filter({ hasText: 'refund request' }).waitFor();
    await agent.keyboard.press('Escape');
    await agent.reload();
    await agent.getByTestId('conversation-label').filter({ hasText: 'refund request' }).waitFor();
    await shot(agent, 'agent-conversation-labels');
    // The inbox filters by the label: only this conversation carries it.
    const byLabel = agent.getByLabel('Filter by label');
    await byLabel.selectOption({ label: 'refund request · 1 open' });
    await expect.poll(() => agent.getByTestId('inbox-item').count()).toBe(1);
    expect(await agent.getByTestId('inbox-item').first().textContent()).toContain(CUSTOMER);
    // The inbox item carries the label as a chip.
    await agent.getByTestId('inbox-item').first().getByTestId('inbox-item-label').filter({ hasText: 'refund request' }).waitFor();
    await byLabel.selectOption({ label: 'All labels' });
    await expect.poll(() => agent.getByTestId('inbox-item').count()).toBeGreaterThan(1);

    // Escape closes the list and keeps what was typed; Enter then sends it as it is.
    await reply.fill('/nothing-saved-here');
    await agent.getByText('No saved reply matches “nothing-saved-here”.').waitFor();
    await reply.press('Escape');
    await expect.poll(() => picker.count()).toBe(0);
    expect(await reply.inputValue()).toBe('/nothing-saved-here');
    await reply.fill('');
  });

  it('the agent resolves the conversation and the customer rates it', async () => {
    await agent.getByTestId('inbox-item').filter({ hasText: CUSTOMER }).click();
    await agent.getByRole('heading', { name: CUSTOMER }).waitFor();
    await agent.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => agent.getByTestId('status-badge').textContent()).toBe('Resolved');
    // The widget offers the rating as soon as the feed reports the resolution.
    await customer.getByTestId('rating-panel').waitFor();
    await customer.locator('.sbw-star').nth(3).click();
    await customer.getByRole('button', { name: 'Send rating' }).click();
    await customer.getByTestId('rating-thanks').waitFor();
    expect(await customer.getByTestId('rating-thanks').textContent()).toContain('4 of 5');
    await shot(customer, 'widget-rated');

    await agent.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    const ticket = agent.getByTestId('ticket-row').filter({ hasText: `Refund for ${CUSTOMER}` });
    await ticket.waitFor();
    // Triage from the list: priority and assignee, kept after a reload; the row leads back to its conversation.
    await ticket.getByLabel(/^Priority of/).selectOption('HIGH');
    await ticket.getByLabel(/^Assignee of/).selectOption({ label: 'Alex Agent' });
    await expect.poll(() => ticket.getByLabel(/^Assignee of/).inputValue()).not.toBe('');
    await agent.reload();
    await expect.poll(() => ticket.getByLabel(/^Priority of/).inputValue()).toBe('HIGH');
    await expect
      .poll(async () =>
        ticket
          .getByLabel(/^Assignee of/)
          .locator('option:checked')
          .textContent(),
      )
      .toBe('Alex Agent');
    await shot(agent, 'agent-tickets');
    await ticket.getByRole('link', { name: 'Open the conversation' }).click();
    await agent.getByRole('heading', { name: CUSTOMER }).waitFor();
  });

  it('an agent finds the resolved conversation again by searching what was written, and by its ticket', async () => {
    await agent.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
    const search = agent.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('offline second');
    const result = agent.getByTestId('search-result').filter({ hasText: CUSTOMER });
    await result.waitFor();
    expect(await agent.getByTestId('search-result').count()).toBe(1);
    await expect.poll(() => result.locator('mark').allTextContents()).toEqual(['Second', 'offline']);
    expect(await result.textContent()).toContain('Resolved');
    await shot(agent, 'agent-search');
    await result.click();
    await agent.getByRole('heading', { name: CUSTOMER }).waitFor();

    // A private note for the team, mentioning the admin: staff see it in the timeline, the customer never does.
    const composerMode = (label: string) => agent.locator('.mantine-SegmentedControl-root label', { hasText: new RegExp(`^${label}$`) });
    await composerMode('Private note').click();
    const noteBox = agent.getByRole('textbox', { name: 'Private note', exact: true });
    const noteText = `@Demo Admin can you double-check this refund? ${run}`;
    // @ and the start of a name list the colleagues; Enter picks one.
    await noteBox.fill('@Dem');
    await agent
      .getByRole('listbox', { name: 'Colleagues to mention' })
      .getByRole('option', { name: /@Demo Admin/ })
      .waitFor();
    await noteBox.press('Enter');
    await expect.poll(() => noteBox.inputValue()).toBe('@Demo Admin ');
    await noteBox.pressSequentially(`can you double-check this refund? ${run}`);
    await noteBox.press('Enter');
    const note = agent.locator('[data-testid="message"][data-kind="NOTE"]', { hasText: noteText });
    await note.waitFor();
    expect(await note.textContent()).toContain('Note · You');
    await shot(agent, 'agent-private-note');
    await admin.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await admin.getByRole('dialog').getByText(`Alex Agent mentioned you in a note: ${noteText}`).waitFor();
    await admin.keyboard.press('Escape');
    // The reply that follows reaches the customer; the note before it never does.
    await composerMode('Reply').click();
    const replyBox = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await replyBox.fill(`Following up on your refund ${run}.`);
    await replyBox.press('Enter');
    await customer.locator('[data-testid="message"][data-author="AGENT"]', { hasText: `Following up on your refund ${run}.` }).waitFor();
    expect(await customer.getByText('double-check this refund').count()).toBe(0);
    await customer.reload();
    await customer.locator('[data-testid="message"][data-author="AGENT"]', { hasText: `Following up on your refund ${run}.` }).waitFor();
    expect(await customer.getByText('double-check this refund').count()).toBe(0);

    // Ticket subjects are searched too, and say so.
    await search.fill(`refund for ${CUSTOMER.split(' ').at(-1)}`);
    await result.getByTestId('search-highlight').filter({ hasText: 'Ticket:' }).waitFor();
    await search.fill('zzzz-nothing-like-this');
    await agent.getByText('No conversation mentions “zzzz-nothing-like-this”.').waitFor();
    // Escape clears the search and brings the inbox back.
    await search.press('Escape');
    await agent.getByTestId('inbox-list').waitFor();
    await expect.poll(() => agent.getByTestId('search-results').count()).toBe(0);
  });

  it('a customer asking for a person is told an agent will be with them', async () => {
    const { page } = await newPage({ width: 360, height: 720 });
    await startChat(page, `Handoff ${run}`, 'I want to talk to a human please');
    await page.getByTestId('handoff-notice').waitFor();
    expect(await page.getByTestId('handoff-notice').textContent()).toContain('An agent will be with you');
    await shot(page, 'widget-handoff');

    // Or with the button, after an AI answer.
    const { page: other } = await newPage({ width: 360, height: 720 });
    await startChat(other, `Button ${run}`, 'How do I get a refund?');
    await other.locator('[data-testid="message"][data-author="AI"]').first().waitFor();
    await other.getByRole('button', { name: 'Talk to a person' }).click();
    await other.getByTestId('handoff-notice').waitFor();
    expect(await other.getByRole('button', { name: 'Talk to a person' }).count()).toBe(0);
    expect(await other.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('an admin assigns a handed-off conversation to the agent, who is notified', async () => {
    // The admin opens the console in another tab (same session).
    const handoff = await admin.context().newPage();
    await handoff.goto(`${web.url}/agent`);
    const item = handoff.getByTestId('inbox-item').filter({ hasText: `Handoff ${run}` });
    await item.click();
    await handoff.getByRole('button', { name: 'Assign to…' }).click();
    await handoff.getByRole('menuitem', { name: 'Alex Agent' }).click();
    await expect.poll(() => handoff.getByTestId('assignee-badge').textContent()).toBe('Assigned to Alex Agent');
    // notifications subscription → the agent's bell.
    await expect.poll(() => agent.getByTestId('notifications-button').getAttribute('aria-label')).toMatch(/Notifications, \d+ unread/);
    await agent.getByTestId('notifications-button').click();
    await agent.getByRole('dialog').getByText('A conversation was assigned to you').first().waitFor();
    await shot(agent, 'agent-notifications');
    await agent.keyboard.press('Escape');
    await handoff.close();
  });

  it('(4) an admin creates and publishes an FAQ, and a customer question is then answered from it', async () => {
    await admin.getByRole('link', { name: 'Knowledge base' }).click();
    await admin.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    await admin.getByRole('button', { name: 'New FAQ' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Question').fill(NEW_FAQ.question);
    await dialog.getByLabel('Answer').fill(NEW_FAQ.answer);
    await dialog.getByRole('button', { name: 'Save as draft' }).click();
    const row = admin.getByTestId('faq-row').filter({ hasText: NEW_FAQ.question });
    await expect.poll(() => row.getByTestId('faq-status').textContent()).toBe('draft');
    await row.getByRole('button', { name: /^Publish/ }).click();
    await expect.poll(() => row.getByTestId('faq-status').textContent()).toBe('published');
    await row.locator('[data-embedding="READY"]').waitFor({ timeout: 30_000 });
    await shot(admin, 'admin-knowledge');

    const { page } = await newPage({ width: 360, height: 720 });
    await startChat(page, `Antarctica ${run}`, NEW_FAQ.question);
    const answer = page.locator('[data-testid="message"][data-author="AI"]').first();
    await answer.waitFor();
    await expect.poll(() => answer.textContent()).toContain('supply vessel');
    await expect.poll(() => answer.getByTestId('sources').textContent()).toContain(NEW_FAQ.question);
    await shot(page, 'widget-new-faq-answer');

    // The other admin areas render (screenshots for review).
    for (const [path, heading] of [
      ['/admin/models', 'AI model configurations'],
      ['/admin/evaluations', 'Evaluations'],
      ['/admin/team', 'Team'],
      ['/admin/jobs', 'Failed jobs'],
      ['/admin/status', 'System status'],
      ['/admin/audit', 'Audit log'],
    ] as const) {
      await admin.getByRole('link', { name: heading === 'AI model configurations' ? 'AI models' : heading, exact: true }).click();
      await admin.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(admin.url()).toContain(path);
      if (path === '/admin/status') await admin.getByTestId('system-status').waitFor();
      // The publish above is recorded, by name.
      if (path === '/admin/audit')
        await admin.getByTestId('audit-entry').filter({ hasText: 'faq.publish' }).filter({ hasText: 'Demo Admin' }).first().waitFor();
      await shot(admin, `admin-${path.split('/').pop()}`);
    }
  });

  it('an admin registers a webhook endpoint, sees its secret once, sends a test event and finds it delivered', async () => {
    // A partner's receiver, started here: it records what arrives and answers 200.
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    try {
      await admin.getByRole('link', { name: 'Webhooks' }).click();
      await admin.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await admin.getByRole('textbox', { name: 'URL' }).fill(url);
      await admin.getByRole('button', { name: 'Create endpoint' }).click();
      await expect.poll(() => admin.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_/);
      const row = admin.getByTestId('webhook-endpoint').filter({ hasText: url });
      await row.waitFor();
      await row.getByRole('button', { name: `Test ${url}` }).click();
      await expect.poll(() => received.some((b) => b.includes('"type":"webhook.test"'))).toBe(true);
      await admin.getByRole('button', { name: 'Refresh' }).click();
      await admin.getByTestId('webhook-delivery').filter({ hasText: 'webhook.test' }).filter({ hasText: 'delivered' }).first().waitFor();
      await shot(admin, 'admin-webhooks');
    } finally {
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }
  });

  it('an admin adds a model version, runs evaluations live and compares them in a chart', async () => {
    await admin.getByRole('link', { name: 'AI models' }).click();
    await admin.getByRole('heading', { name: 'AI model configurations', level: 1 }).waitFor();
    await admin.getByRole('button', { name: 'New version' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Narrow retrieval');
    await dialog.getByLabel('Passages (k)').fill('1');
    await dialog.getByRole('button', { name: 'Create (inactive)' }).click();
    await admin.getByTestId('model-row').filter({ hasText: 'Narrow retrieval' }).waitFor();
    const versions = await admin.getByTestId('model-row').count();
    expect(versions).toBeGreaterThanOrEqual(2);

    await admin.getByRole('link', { name: 'Evaluations' }).click();
    await admin.getByRole('heading', { name: 'Evaluations', level: 1 }).waitFor();
    await admin.getByRole('button', { name: 'Fill with a sample from published FAQs' }).click();
    await expect.poll(() => admin.getByLabel('Cases (JSON)').inputValue()).toContain('expectedFaqIds');
    await admin.getByRole('button', { name: 'Import', exact: true }).click();
    await admin.getByText(/^Imported “Published FAQs/).waitFor();

    for (const version of ['v1 ', 'Narrow retrieval']) {
      await admin
        .getByLabel(/^Dataset/)
        .first()
        .click();
      await admin.getByRole('option').first().click();
      await admin
        .getByLabel(/^Model configuration/)
        .first()
        .click();
      await admin
        .getByRole('option', { name: new RegExp(version) })
        .first()
        .click();
      await admin.getByRole('button', { name: 'Start run' }).click();
    }
    // Both runs finish (progress arrives over evaluationRunProgress).
    await expect.poll(() => admin.locator('[data-testid="run-row"][data-status="COMPLETED"]').count(), { timeout: 60_000 }).toBe(2);
    const boxes = admin.getByRole('checkbox', { name: /^Compare run of/ });
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await admin.locator('[data-testid="comparison-chart"] svg.recharts-surface').first().waitFor();
    await admin.getByTestId('comparison-chart').scrollIntoViewIfNeeded();
    expect(await admin.getByRole('table', { name: 'Metrics side by side' }).textContent()).toContain('Hit rate @1');
    await shot(admin, 'admin-evaluations-compare');

    // Roll back: activate the new version, then the first one again.
    await admin.getByRole('link', { name: 'AI models' }).click();
    const narrow = admin.getByTestId('model-row').filter({ hasText: 'Narrow retrieval' });
    await narrow.getByRole('button', { name: /^Activate/ }).click();
    await narrow.getByText('active', { exact: true }).waitFor();
    const first = admin.getByTestId('model-row').first();
    await first.getByRole('button', { name: /^Roll back to version/ }).click();
    await first.getByText('active', { exact: true }).waitFor();

    // A/B split: 70 / 30 between the first version and the new one, then back to the first alone.
    const v1 = admin.getByLabel(/^v1 /);
    await expect.poll(() => v1.inputValue()).toBe('100%');
    await v1.fill('70');
    await admin.getByLabel(/^v\d+ Narrow retrieval/).fill('30');
    await admin.getByRole('button', { name: 'Save split' }).click();
    await admin.getByText('Split saved.').waitFor();
    await expect.poll(() => first.textContent()).toContain('70%');
    await expect.poll(() => narrow.textContent()).toContain('30%');
    await shot(admin, 'admin-models-split');
    await first.getByRole('button', { name: 'Activate version 1' }).click();
    await expect.poll(() => first.textContent()).toContain('100%');
    await expect.poll(() => narrow.textContent()).toContain('—');
  });

  it('(5) the analytics page charts the analytics API, with the same numbers', async () => {
    const { page } = await newPage();
    const { logIn } = await call<{ logIn: { accessToken: string } }>('mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }', {
      i: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
    });
    /** The page's own Analytics request, answered again by the API directly. */
    const nextAnalytics = () =>
      page
        .waitForRequest((r) => r.url().endsWith('/graphql') && r.method() === 'POST' && r.postDataJSON()?.operationName === 'Analytics')
        .then(
          async (r) =>
            (await call<{ analytics: AnalyticsQuery['analytics'] }>(print(AnalyticsDocument), r.postDataJSON().variables, logIn.accessToken)).analytics,
        );
    const kpi = (label: string) => page.getByTestId('kpi').filter({ has: page.getByText(label, { exact: true }) });

    const asked = nextAnalytics();
    await signIn(page, '/admin/analytics', DEMO_ADMIN);
    await page.getByTestId('analytics').waitFor();
    const a = await asked;
    // This run's conversations are in it.
    expect(a.conversationsCreated).toBeGreaterThanOrEqual(4);
    // The headline figures are the API's…
    await expect.poll(() => kpi('Conversations').textContent()).toContain(String(a.conversationsCreated));
    expect(await kpi('Resolution rate').textContent()).toContain(percent(a.resolutionRate));
    expect(await kpi('Handoff rate').textContent()).toContain(percent(a.handoffRate));
    expect(await kpi('Resolved by AI alone').textContent()).toContain(percent(a.automatedResolutionRate));
    expect(await kpi('First response (median)').textContent()).toContain(duration(a.firstResponseTime.medianSeconds));
    // …and so are the charts, drawn by the chart library, with their text equivalents.
    expect(a.handoffReasons.length).toBeGreaterThan(0); // this run handed conversations off
    expect(a.ticketBacklog.length).toBeGreaterThan(0); // and opened a ticket
    for (const chart of ['timeseries', 'times', 'rates', 'handoffs', 'authors', 'csat', 'backlog']) {
      await page.locator(`[data-testid="analytics-${chart}"] svg.recharts-surface`).first().waitFor();
    }
    const total = a.timeseries.reduce((n, b) => n + b.conversationsCreated, 0);
    expect(await page.locator('#timeseries-summary').textContent()).toContain(`${total} conversation(s) across ${a.timeseries.length} day bucket(s)`);
    expect(await page.getByTestId('analytics-handoffs').getAttribute('aria-label')).toBe(
      a.handoffReasons.map((r) => `${handoffReasonLabel(r.label)}: ${r.count}`).join(', '),
    );
    expect(await page.getByTestId('analytics-authors').getAttribute('aria-label')).toBe(
      a.messagesByAuthorType
        .filter((m) => m.count > 0)
        .map((m) => `${authorTypeLabel(m.label)}: ${m.count}`)
        .join(', '),
    );
    expect(await page.getByTestId('analytics-backlog').getAttribute('aria-label')).toBe(
      a.ticketBacklog.map((b) => `${humanize(b.status)}, ${humanize(b.priority).toLowerCase()}: ${b.count}`).join('; '),
    );
    await shot(page, 'admin-analytics', { fullPage: true });

    // A custom range (today only, hourly) asks for exactly that and shows the API's count for it.
    await page.getByText('Custom', { exact: true }).click();
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    await page.getByLabel('From').fill(today);
    await page.getByLabel('To (inclusive)').fill(today);
    const askedToday = nextAnalytics();
    await page.getByRole('button', { name: 'Apply' }).click();
    const t = await askedToday;
    expect(t.timeseries.length).toBeGreaterThanOrEqual(23); // 24 hours, give or take a daylight-saving change
    await expect.poll(() => kpi('Conversations').textContent()).toContain(String(t.conversationsCreated));
    await expect.poll(() => page.locator('#timeseries-summary').textContent()).toContain(`across ${t.timeseries.length} hour bucket(s)`);
    await shot(page, 'admin-analytics-custom-range');
  });

  it('an admin creates an API key, a partner reads analytics with it, and revoking it shuts them out', async () => {
    await admin.getByRole('link', { name: 'API keys' }).click();
    await admin.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await admin.getByLabel('Name').fill(`Partner BI ${run}`);
    await admin.getByRole('button', { name: 'Create key' }).click();
    const created = admin.getByRole('alert').filter({ hasText: `Partner BI ${run}` });
    const secret = (await created.locator('pre, code').first().textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    await shot(admin, 'admin-api-keys');
    const asPartner = () =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: '{ analytics(range: {from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z"}) { conversationsCreated } }' }),
      }).then((r) => r.json() as Promise<{ data?: { analytics: { conversationsCreated: number } }; errors?: { extensions: { code: string } }[] }>);
    expect((await asPartner()).data?.analytics.conversationsCreated).toBeTypeOf('number');
    // The secret is shown once: reloading the page shows only its prefix.
    await admin.reload();
    const row = admin.getByRole('row').filter({ hasText: `Partner BI ${run}` });
    await row.waitFor();
    expect(await admin.locator('body').textContent()).not.toContain(secret);
    expect(await row.textContent()).toContain(secret.slice(0, 10));
    await row.getByRole('button', { name: `Revoke Partner BI ${run}` }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('revoked', { exact: true }).waitFor();
    expect((await asPartner()).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await shot(admin, 'admin-settings');
  });

  it('embed.js adds a chat button that opens the widget in an iframe', async () => {
    const { page } = await newPage({ width: 1024, height: 720 });
    await page.goto(`${web.url}/embed-demo.html?widgetKey=${encodeURIComponent(api.widgetKey)}`);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    const frame = page.frameLocator('#switchboard-frame');
    await frame.getByRole('button', { name: 'Start chat' }).waitFor();
    await shot(page, 'embed-demo');
    // Escape inside the chat closes it and gives focus back to the launcher.
    await frame.getByLabel('Your name').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#switchboard-frame').isVisible()).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('switchboard-launcher');

    // A site with a wrong key learns it before any visitor types.
    await page.goto(`${web.url}/chat?widgetKey=wk_not-a-real-key`);
    await page.getByRole('alert').filter({ hasText: 'This chat is not available' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start chat' }).count()).toBe(0);
  });

  it('an admin answers a customer’s data request from the console: downloads their data, then erases it', async () => {
    const { startConversation } = await call<{ startConversation: { conversation: { id: string } } }>(
      'mutation($i: StartConversationInput!) { startConversation(input: $i) { conversation { id } } }',
      { i: { widgetKey: api.widgetKey, name: `Gdpr ${run}`, email: `gdpr-${run}@example.com`, message: `My account number is 99-${run}` } },
    );
    const id = startConversation.conversation.id;
    // A colleague has the conversation open too.
    await agent.goto(`${web.url}/agent/c/${id}`);
    await agent.getByTestId('thread').getByText(`My account number is 99-${run}`).waitFor();
    await admin.goto(`${web.url}/agent/c/${id}`);
    await admin.getByRole('heading', { name: `Gdpr ${run}` }).waitFor();
    await admin.getByRole('tab', { name: 'Details' }).click();
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Download their data (JSON)' }).click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported.contact).toMatchObject({ name: `Gdpr ${run}`, email: `gdpr-${run}@example.com` });
    expect(JSON.stringify(exported.conversations)).toContain(`My account number is 99-${run}`);

    await admin.getByRole('button', { name: 'Erase personal data…' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Type ERASE to confirm').fill('ERASE');
    await dialog.getByRole('button', { name: 'Erase personal data' }).click();
    await admin.getByTestId('contact-erased').waitFor();
    // The console shows what is left: an anonymous customer whose words are gone.
    await admin.getByRole('heading', { name: 'Anonymous visitor' }).waitFor();
    await expect.poll(() => admin.getByTestId('thread').textContent()).not.toContain(`99-${run}`);
    // …and the colleague's console, live.
    await expect.poll(() => agent.getByTestId('thread').textContent()).not.toContain(`99-${run}`);
    await agent.getByRole('heading', { name: 'Anonymous visitor' }).waitFor();
    // The live inbox drops the name too (the API announces the change to every console).
    await expect.poll(() => admin.getByRole('link', { name: new RegExp(`Gdpr ${run}`) }).count()).toBe(0);
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    await shot(admin, 'agent-customer-data-erased');
    // And so does the API, and the audit log records both requests.
    const after = await call<{ exportContactData: { contact: { name: string | null; email: string | null } } }>(
      'mutation($c: ID!) { exportContactData(contactId: $c) }',
      { c: exported.contact.id },
      (await call<{ logIn: { accessToken: string } }>('mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }', { i: DEMO_ADMIN })).logIn.accessToken,
    );
    expect(after.exportContactData.contact).toMatchObject({ name: null, email: null });
  });

  it('an admin invites a colleague, who joins with the one-time token and signs in to the console', async () => {
    await admin.goto(`${web.url}/admin/team`);
    await admin.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    const email = `new-agent-${run}@example.com`;
    const form = admin.getByRole('form', { name: 'Invite a colleague' });
    await form.getByLabel('Name').fill(`Nia New ${run}`);
    await form.getByLabel('Email').fill(email);
    await form.getByRole('button', { name: 'Send invitation' }).click();
    const token = (await admin.getByTestId('invite-token').textContent())!.trim();
    await shot(admin, 'admin-team-invited');

    const { page: newcomer } = await newPage();
    await newcomer.goto(`${web.url}/agent/accept-invite?token=${encodeURIComponent(token)}`);
    await newcomer.getByLabel(/^Choose a password/).fill('a-long-new-password');
    await newcomer.getByRole('button', { name: 'Join' }).click();
    await newcomer.getByRole('heading', { name: 'Inbox' }).waitFor();
    await shot(newcomer, 'agent-joined');
    // The token is single-use.
    const { page: again } = await newPage();
    await again.goto(`${web.url}/agent/accept-invite?token=${encodeURIComponent(token)}`);
    await again.getByLabel(/^Choose a password/).fill('another-password-1');
    await again.getByRole('button', { name: 'Join' }).click();
    await again.getByRole('alert').filter({ hasText: 'Could not accept the invitation' }).waitFor();
    // And the new password works at the sign-in form.
    const { page: later } = await newPage();
    await signIn(later, '/agent', { email, password: 'a-long-new-password' });
    await later.getByRole('heading', { name: 'Inbox' }).waitFor();
  });

  it('an admin manages the team: deactivates and reactivates a colleague, hands over a password reset link, revokes an invitation; the last admin stays', async () => {
    const email = `new-agent-${run}@example.com`;
    const name = `Nia New ${run}`;
    const LOG_IN = 'mutation($input: LogInInput!) { logIn(input: $input) { user { id } } }';
    await admin.goto(`${web.url}/admin/team`);
    const row = admin.getByTestId(`member-${email}`);
    await row.getByText('active', { exact: true }).waitFor();

    await admin.getByRole('button', { name: `Deactivate ${name}` }).click();
    await row.getByText('deactivated', { exact: true }).waitFor();
    await expect(call(LOG_IN, { input: { email, password: 'a-long-new-password' } })).rejects.toThrow('Wrong email or password');
    await shot(admin, 'admin-team-roster');
    await admin.getByRole('button', { name: `Reactivate ${name}` }).click();
    await row.getByText('active', { exact: true }).waitFor();
    await call(LOG_IN, { input: { email, password: 'a-long-new-password' } });

    await admin.getByRole('button', { name: `Password reset link for ${name}` }).click();
    const url = (await admin.getByTestId('issued-url').textContent())!.trim();
    expect(url).toMatch(/\/agent\/reset-password\?token=/);
    const { page: member } = await newPage();
    await member.goto(url);
    await member.getByLabel(/^New password/).fill('a-reset-password-1');
    await member.getByRole('button', { name: 'Set password and sign in' }).click();
    await member.getByRole('heading', { name: 'Inbox' }).waitFor();
    await call(LOG_IN, { input: { email, password: 'a-reset-password-1' } });

    const form = admin.getByRole('form', { name: 'Invite a colleague' });
    await form.getByLabel('Name').fill(`Pat Pending ${run}`);
    await form.getByLabel('Email').fill(`pending-${run}@example.com`);
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByRole('button', { name: `Revoke invitation of Pat Pending ${run}` }).click();
    await admin.getByTestId(`member-pending-${run}@example.com`).waitFor({ state: 'detached' });

    // The demo admin is the only admin: demoting them is refused, in words.
    await admin.getByRole('combobox', { name: 'Role of Demo Admin' }).click();
    await admin.getByRole('option', { name: 'Agent' }).click();
    await admin.getByRole('alert').filter({ hasText: 'The last active admin cannot be demoted' }).waitFor();
  });

  it('an agent’s chosen presence survives a reload', async () => {
    const { page } = await newPage();
    await signIn(page, '/agent', DEMO_AGENT);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: 'Away' }).click();
    await expect.poll(() => page.getByTestId('account-menu').getAttribute('aria-label')).toContain('away');
    await page.reload();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await expect.poll(() => page.getByTestId('account-menu').getAttribute('aria-label'), { timeout: 10_000 }).toContain('away');
    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: 'Online' }).click();
    await expect.poll(() => page.getByTestId('account-menu').getAttribute('aria-label')).toContain('online');
  });

  it('keyboard only: an agent signs in, a customer starts a chat, the agent opens it and replies, all without a mouse', async () => {
    /** Presses Tab until the focused element's accessible name holds `name`. */
    async function tabTo(page: Page, name: string, max = 60) {
      const seen: string[] = [];
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return '';
          return (el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '').trim();
        });
        if (focused.includes(name)) return;
        seen.push(focused.slice(0, 40));
      }
      throw new Error(`“${name}” cannot be reached with the Tab key; focus went to: ${seen.join(' | ')}`);
    }
    const name = `Keyboard ${run}`;
    const { page: desk } = await newPage();
    await desk.goto(`${web.url}/agent`);
    await desk.getByLabel('Email').waitFor();
    await tabTo(desk, 'Email');
    await desk.keyboard.type(DEMO_AGENT.email);
    await tabTo(desk, 'Password');
    await desk.keyboard.type(DEMO_AGENT.password);
    await desk.keyboard.press('Enter');
    await desk.getByRole('heading', { name: 'Inbox' }).waitFor();

    const { page: visitor } = await newPage({ width: 360, height: 720 });
    await visitor.goto(`${web.url}/chat?widgetKey=${encodeURIComponent(api.widgetKey)}`);
    await visitor.getByLabel('Your name').waitFor();
    await tabTo(visitor, 'Your name');
    await visitor.keyboard.type(name);
    await tabTo(visitor, 'How can we help?');
    await visitor.keyboard.type('Can a person check my order, please?');
    await tabTo(visitor, 'Start chat');
    await visitor.keyboard.press('Enter');
    await visitor.locator('[data-testid="message"][data-author="CUSTOMER"]').first().waitFor();
    // The customer goes on typing in the composer.
    await expect
      .poll(() =>
        visitor.evaluate(
          () => document.activeElement?.getAttribute('aria-label') ?? (document.activeElement as HTMLTextAreaElement | null)?.labels?.[0]?.textContent,
        ),
      )
      .toContain('Your message');

    // The new conversation arrives live; Tab reaches it in the inbox and Enter opens it.
    await desk.getByRole('link', { name: new RegExp(name) }).waitFor();
    await tabTo(desk, name);
    await desk.keyboard.press('Enter');
    await desk.getByRole('heading', { name }).waitFor();
    await tabTo(desk, 'Reply');
    await desk.keyboard.type('Happy to check it for you.');
    await desk.keyboard.press('Enter');
    await visitor.locator('[data-testid="message"][data-author="AGENT"]').filter({ hasText: 'Happy to check it for you.' }).waitFor();
    await shot(desk, 'agent-keyboard-only');
    // The customer ends the chat: it is resolved in the console, live, and the widget asks for a rating.
    await tabTo(visitor, 'End chat');
    await visitor.keyboard.press('Enter');
    await visitor.getByTestId('rating-panel').waitFor();
    // The focus moved into the rating (the button that had it is gone).
    await expect.poll(() => visitor.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="rating-panel"]')))).toBe(true);
    await desk.getByRole('button', { name: 'Reopen' }).waitFor();
  });

  it('an admin sets SLA targets; an agent works the ticket on its page: an internal comment, a public reply the customer sees, resolved with the SLA met', async () => {
    await admin.goto(`${web.url}/admin/sla`);
    await admin.getByRole('heading', { name: 'SLA', exact: true }).waitFor();
    await admin.getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(() => admin.getByText('Not set yet').count()).toBe(0);
    const policy = admin.getByTestId('sla-policy-row').filter({ hasText: 'Urgent' });
    await policy.getByLabel('Urgent: first response minutes').fill('30');
    await policy.getByLabel('Urgent: resolution minutes').fill('240');
    await policy.getByLabel('Urgent: business hours only').uncheck();
    await policy.getByRole('button', { name: 'Save', exact: true }).click();
    await policy.getByRole('button', { name: 'Remove' }).waitFor();
    await shot(admin, 'admin-sla');

    // A customer writes in; an urgent ticket is raised from the conversation.
    const { page } = await newPage({ width: 360, height: 720 });
    await startChat(page, `Ticketed ${run}`, `My order ${run} arrived broken`);
    await page.locator('[data-testid="message"][data-author="CUSTOMER"]').first().waitFor();
    const session = await page.evaluate((key) => localStorage.getItem(`switchboard.widget.${key}`), api.widgetKey);
    const conversationId = (JSON.parse(session!) as { conversationId: string }).conversationId;
    const { logIn } = await call<{ logIn: { accessToken: string } }>('mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }', {
      i: { email: DEMO_AGENT.email, password: DEMO_AGENT.password },
    });
    const subject = `Broken order ${run}`;
    await call(
      'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }',
      { i: { conversationId, subject, priority: 'URGENT' } },
      logIn.accessToken,
    );

    await agent.goto(`${web.url}/agent/tickets`);
    await agent.getByRole('link', { name: subject }).click();
    await agent.getByRole('heading', { name: subject }).waitFor();
    await expect.poll(() => agent.getByTestId('sla-badge').getAttribute('data-state')).toBe('ON_TRACK');
    expect(await agent.getByTestId('sla-badge').textContent()).toMatch(/^(29|30) min left$/);

    const thread = agent.getByRole('region', { name: 'Comments' });
    await thread.getByRole('textbox', { name: 'Comment for colleagues' }).fill(`Courier confirms damage ${run}`);
    await thread.getByRole('button', { name: 'Add comment' }).click();
    await agent
      .getByTestId('ticket-comment')
      .filter({ hasText: `Courier confirms damage ${run}` })
      .waitFor();
    await thread.locator('.mantine-SegmentedControl-root label', { hasText: /^Public reply$/ }).click();
    await thread.getByRole('textbox', { name: 'Reply to the requester' }).fill(`A replacement is on its way ${run}.`);
    await thread.getByRole('button', { name: 'Send reply' }).click();
    await agent.locator('[data-testid="ticket-comment"][data-public="true"]', { hasText: `A replacement is on its way ${run}.` }).waitFor();
    await page.locator('[data-testid="message"][data-author="AGENT"]', { hasText: `A replacement is on its way ${run}.` }).waitFor();
    expect(await page.getByText('Courier confirms damage').count()).toBe(0);

    await agent.getByRole('combobox', { name: 'Status', exact: true }).selectOption('RESOLVED');
    await expect.poll(() => agent.getByTestId('sla-badge').getAttribute('data-state')).toBe('MET');
    await agent.getByTestId('ticket-history').filter({ hasText: 'changed the status from Open to Resolved' }).waitFor();
    await shot(agent, 'agent-ticket-page');
  });

  it('an admin sets up a team inbox; a customer who asks for a person is assigned to its online agent at once', async () => {
    const team = `Support ${run}`;
    await admin.goto(`${web.url}/admin/inboxes`);
    await admin.getByRole('heading', { name: 'Team inboxes' }).waitFor();
    const form = admin.getByRole('form', { name: 'New team' });
    await form.getByLabel('Name').fill(team);
    await form.getByLabel('Members').click();
    await admin.getByRole('option', { name: 'Alex Agent' }).click();
    await admin.keyboard.press('Escape');
    await form.getByLabel('Default team').check();
    await form.getByRole('button', { name: 'Add team' }).click();
    const row = admin.getByTestId('team-row').filter({ hasText: team });
    await row.getByText('default').waitFor();
    await shot(admin, 'admin-team-inboxes');

    // The agent's console is open (online): the assistant's handoff goes to them.
    await agent.goto(`${web.url}/agent`);
    await agent.getByRole('heading', { name: 'Inbox' }).waitFor();
    const { page } = await newPage({ width: 360, height: 720 });
    await startChat(page, `Routed ${run}`, 'I want to talk to a person please');
    await page.getByTestId('handoff-notice').waitFor({ timeout: 30_000 });
    const item = agent.getByTestId('inbox-item').filter({ hasText: `Routed ${run}` });
    await item.click();
    await expect.poll(() => agent.getByTestId('assignee-badge').textContent()).toBe('Assigned to you');
    await expect.poll(() => agent.getByRole('combobox', { name: 'Team inbox' }).inputValue()).toBe(`Team: ${team}`);
    // The inbox filters by team inbox, and its items say which team they are in.
    await agent.getByLabel('Filter by team').selectOption({ label: `${team} · 0 waiting` });
    await expect.poll(() => agent.getByTestId('inbox-item').count()).toBe(1);
    expect(await agent.getByTestId('inbox-item').first().getByTestId('inbox-item-team').textContent()).toBe(team);
    await agent.getByLabel('Filter by team').selectOption({ label: 'All teams' });

    // Deleting the team leaves the conversation with its agent.
    await row.getByRole('button', { name: `Delete the team ${team}` }).click();
    await row.waitFor({ state: 'detached' });
  });

  it('a customer sends an image in the widget and the agent sees it inline in the console', async () => {
    // A 48×48 blue PNG.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAIAAADYYG7QAAAAOklEQVR42u3OQQ0AAAgEoItjOhMbxhbOBxsBSPW8EiEhISEhISEhISEhISEhISEhISEhISEhISGhOwtTyQLEeKrPmAAAAABJRU5ErkJggg==',
      'base64',
    );
    const who = `Picture ${run}`;
    await agent.goto(`${web.url}/agent`);
    await agent.getByRole('heading', { name: 'Inbox' }).waitFor();
    const { page } = await newPage({ width: 360, height: 720 });
    await startChat(page, who, 'My parcel arrived damaged');
    await page.locator('[data-testid="message"][data-author="CUSTOMER"]', { hasText: 'My parcel arrived damaged' }).waitFor();

    // The paperclip uploads at once; the image alone is the message.
    await page.getByTestId('attach-input').setInputFiles({ name: 'damaged-box.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('draft-attachments').locator('li[data-status="ready"]', { hasText: 'damaged-box.png' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const mine = page.locator('[data-testid="message"][data-author="CUSTOMER"]').getByRole('img', { name: 'damaged-box.png' });
    await mine.waitFor();
    await expect.poll(() => mine.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
    await expect.poll(() => page.getByTestId('draft-attachments').count()).toBe(0);
    await shot(page, 'widget-attachment');

    // The agent sees it inline (the signed URL loads without headers), and it opens full size.
    await agent.getByTestId('inbox-item').filter({ hasText: who }).click();
    const theirs = agent.getByTestId('thread').locator('[data-testid="message"][data-author="CUSTOMER"]').getByRole('img', { name: 'damaged-box.png' });
    await theirs.waitFor();
    await expect.poll(() => theirs.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
    await shot(agent, 'agent-attachment');
    const [full] = await Promise.all([agent.context().waitForEvent('page'), theirs.click()]);
    await full.waitForLoadState();
    expect(new URL(full.url()).pathname).toMatch(/^\/attachments\/[0-9a-f-]{36}$/);
    await full.close();
  });

  it('every screen above passes an automated accessibility audit (WCAG 2.1 AA, axe-core)', () => {
    writeFileSync(join(artifacts, 'a11y.json'), JSON.stringify(a11yFindings, null, 2));
    expect(a11yFindings.length === 0 ? [] : a11yFindings.map((f) => `${f.screen}: ${f.rule} (${f.impact}) ${f.help} — ${f.targets.join(', ')}`)).toEqual([]);
  });
});
