// Demo data for a fresh development instance: one workspace, an admin and an
// agent, FAQs in two categories and a couple of conversations.
import type { Config } from '../platform/config.js';
import type { JobRunner } from '../platform/queue.js';
import { embedFaqJob } from '../modules/knowledge/embed.job.js';
import type { Orm } from '../platform/database.js';
import { forkFor } from '../platform/database.js';
import { hashPassword } from '../modules/auth/auth.service.js';
import { User, UserRole } from '../modules/auth/user.entity.js';
import { Contact } from '../modules/contacts/contact.entity.js';
import { Conversation, ConversationMode } from '../modules/conversations/conversation.entity.js';
import { Faq, FaqStatus } from '../modules/knowledge/faq.entity.js';
import { FaqCategory } from '../modules/knowledge/faq-category.entity.js';
import { CannedReply } from '../modules/canned-replies/canned-reply.entity.js';
import { appendMessage } from '../modules/conversations/timeline.js';
import { AuthorType } from '../modules/conversations/message.entity.js';
import { Workspace } from '../modules/workspaces/workspace.entity.js';

const DEV_DEMO_PASSWORD = 'switchboard-demo';

const FAQS: Record<string, [string, string][]> = {
  Billing: [
    [
      'How do I get a refund?',
      'You can request a refund within 30 days of purchase from Settings → Billing → Refunds. Refunds reach your card in 5 to 10 business days.',
    ],
    [
      'Which payment methods do you accept?',
      'We accept Visa, Mastercard, American Express and SEPA direct debit. Invoices can be paid by bank transfer on annual plans.',
    ],
    ['How do I download an invoice?', 'Every invoice is available as a PDF under Settings → Billing → Invoices.'],
  ],
  Account: [
    ['How do I reset my password?', 'Click "Forgot password" on the sign-in page and follow the link we email you. The link is valid for one hour.'],
    ['How do I change my email address?', 'Open Profile → Email, enter the new address and confirm it from the message we send to it.'],
    ['Can I delete my account?', 'Yes. Profile → Danger zone → Delete account removes your account and personal data within 30 days.'],
  ],
};

export interface DemoCredentials {
  workspaceName: string;
  widgetKey: string;
  adminEmail: string;
  adminPassword?: string;
  agentEmail: string;
  created: boolean;
}

export async function seedDemo(orm: Orm, config: Config, jobs: JobRunner): Promise<DemoCredentials> {
  const em = forkFor(orm, null);
  const [existing] = await em.find(Workspace, {}, { filters: false, orderBy: { createdAt: 'asc' }, limit: 1 });
  const agentEmail = config.demoAdminEmail.replace(/^[^@]+/, 'agent');
  if (existing) {
    return { workspaceName: existing.name, widgetKey: existing.widgetKey, adminEmail: config.demoAdminEmail, agentEmail, created: false };
  }
  const password = config.demoAdminPassword ?? DEV_DEMO_PASSWORD;
  const passwordHash = await hashPassword(password);
  const faqIds: string[] = [];
  const workspace = await em.transactional(async (tx) => {
    const workspace = tx.create(Workspace, { name: 'Demo Support' });
    tx.create(User, { workspace, email: config.demoAdminEmail, name: 'Demo Admin', role: UserRole.ADMIN, passwordHash });
    const agent = tx.create(User, { workspace, email: agentEmail, name: 'Alex Agent', role: UserRole.AGENT, passwordHash });
    for (const [name, entries] of Object.entries(FAQS)) {
      const category = tx.create(FaqCategory, { workspace, name });
      for (const [question, answer] of entries) {
        faqIds.push(tx.create(Faq, { workspace, category, question, answer, status: FaqStatus.PUBLISHED, publishedAt: new Date() }).id);
      }
    }
    // Saved replies the console inserts with /refund and /thanks.
    tx.create(CannedReply, {
      workspace,
      shortcut: 'refund',
      title: 'Refund timing',
      body: 'Hi {{contact.name|there}}, refunds go back to the original payment method within 5 business days of approval.',
    });
    tx.create(CannedReply, {
      workspace,
      shortcut: 'thanks',
      title: 'Closing',
      body: 'Thanks for contacting {{workspace.name}}, {{contact.name|and have a nice day}}! — {{agent.name}}',
    });
    const ana = tx.create(Contact, { workspace, name: 'Ana Customer', email: 'ana@example.com' });
    const c1 = tx.create(Conversation, { workspace, contact: ana });
    const asked = appendMessage(tx, c1, { authorType: AuthorType.CUSTOMER, body: 'Hi! How do I get a refund for last month?' });
    // The reply names the question it answers, as the assistant's own do (else the reconciler would answer it again).
    appendMessage(tx, c1, {
      authorType: AuthorType.AI,
      body: FAQS.Billing![0]![1],
      ai: { replyToSeq: asked.seq, citations: [], confidence: 1, modelConfigId: null, promptTokens: 0, completionTokens: 0, latencyMs: null },
    });
    const ben = tx.create(Contact, { workspace, name: 'Ben Buyer', email: 'ben@example.com' });
    const c2 = tx.create(Conversation, { workspace, contact: ben, mode: ConversationMode.HUMAN, assignee: agent, handoffReason: 'customer_request' });
    appendMessage(tx, c2, { authorType: AuthorType.CUSTOMER, body: 'My invoice shows the wrong company name. Can a person help?' });
    appendMessage(tx, c2, { authorType: AuthorType.AGENT, body: 'Of course, Ben. Which company name should it show?', authorUserId: agent.id });
    return workspace;
  });
  // Make the seeded FAQs searchable (and answerable by the assistant).
  for (const faqId of faqIds) await jobs.enqueue(embedFaqJob, { workspaceId: workspace.id, faqId }, { jobId: `${faqId}:seed` });
  return {
    workspaceName: workspace.name,
    widgetKey: workspace.widgetKey,
    adminEmail: config.demoAdminEmail,
    adminPassword: password,
    agentEmail,
    created: true,
  };
}
