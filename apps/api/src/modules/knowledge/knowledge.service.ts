// Knowledge base: categories and FAQs with a draft → published → archived lifecycle.
import { enqueueWith } from '../../platform/outbox.js';
import { sql, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Scope } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, timeIdCursor, toConnection, type Connection } from '../../platform/pagination.js';
import { audit } from '../audit/index.js';
import { EmbeddingStatus, Faq, FaqStatus } from './faq.entity.js';
import { embedFaqJob } from './embed.job.js';
import { FaqCategory } from './faq-category.entity.js';
import { emitWebhookEvents, faqData, pokeFanOut, WebhookEventType } from '../webhooks/index.js';
import type { CreateFaqCategoryInput, CreateFaqInput, FaqFilter, UpdateFaqInput } from './knowledge.inputs.js';

const cleanTags = (tags: string[] = []) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
/** Trimmed, whitespace collapsed, duplicates (ignoring case) and the question itself dropped. */
const cleanAlternates = (question: string, alternates: string[] = []) => {
  const seen = new Set([question.trim().toLowerCase()]);
  const out: string[] = [];
  for (const a of alternates.map((x) => x.replace(/\s+/g, ' ').trim())) {
    if (a && !seen.has(a.toLowerCase())) out.push(a);
    seen.add(a.toLowerCase());
  }
  return out;
};

export class KnowledgeService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  /** Alphabetical ignoring case (names are unique ignoring case). */
  categories(): Promise<FaqCategory[]> {
    return this.em.find(FaqCategory, {}, { orderBy: [{ [sql.lower('name')]: 'asc' }, { id: 'asc' }] });
  }

  /**
   * Names are trimmed and unique per workspace ignoring case: the database
   * enforces it (unique index on workspace and lower(name)); the look-up
   * first only lets the CONFLICT name the existing spelling.
   */
  async createCategory(actor: { workspaceId: string }, input: CreateFaqCategoryInput): Promise<FaqCategory> {
    const name = input.name.trim();
    const duplicate = (existing: string) => conflict(`A category named "${existing}" already exists (category names are compared ignoring case)`);
    const existing = await this.em.findOne(FaqCategory, { [sql`lower(name)`]: sql`lower(${name})` });
    if (existing) throw duplicate(existing.name);
    const category = this.em.create(FaqCategory, { workspace: actor.workspaceId, name });
    audit(this.scope, actor.workspaceId, { action: 'faq_category.create', targetType: 'FaqCategory', targetId: category.id });
    try {
      await this.em.flush();
    } catch (err) {
      // A concurrent create of the same name.
      if (err instanceof UniqueConstraintViolationException) throw duplicate(name);
      throw err;
    }
    return category;
  }

  async get(id: string): Promise<Faq> {
    assertId(id);
    const faq = await this.em.findOne(Faq, { id });
    if (!faq) throw notFound('FAQ');
    return faq;
  }

  async list(filter: FaqFilter | null = {}, first = DEFAULT_PAGE_SIZE, after?: string): Promise<Connection<Faq>> {
    filter ??= {}; // an explicit `filter: null` means no filter
    const where: Record<string, unknown> = {};
    if (filter.categoryId) where.category = filter.categoryId;
    if (filter.status) where.status = filter.status;
    if (filter.search) return this.search(filter.search, where, first, after);
    if (after) {
      const c = timeIdCursor.decode(after);
      where.$or = [{ createdAt: { $lt: c.at } }, { createdAt: c.at, id: { $lt: c.id } }];
    }
    const rows = await this.em.find(Faq, where, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 });
    return toConnection(rows, first, (f) => timeIdCursor.encode(f.createdAt, f.id), Boolean(after));
  }

  /** Ranked full-text search; the cursor is a position in the ranking. */
  private async search(query: string, where: Record<string, unknown>, first: number, after?: string): Promise<Connection<Faq>> {
    const offset = after ? decodeCursor<[number]>(after, (p) => p.length === 1 && Number.isInteger(p[0]) && (p[0] as number) >= 0)[0] : 0;
    const { actor } = this.scope;
    const workspaceId = actor.kind === 'anonymous' ? null : actor.workspaceId;
    const params: unknown[] = [query, workspaceId, query];
    let extra = '';
    if (where.category) {
      extra += ' and category_id = ?';
      params.push(where.category);
    }
    if (where.status) {
      extra += ' and status = ?';
      params.push(where.status);
    }
    params.push(first + 1, offset);
    const hits: { id: string }[] = await this.em.execute(
      `select id, ts_rank(search_vector, websearch_to_tsquery('english', ?)) as rank from faq
        where workspace_id = ? and search_vector @@ websearch_to_tsquery('english', ?)${extra}
        order by rank desc, id limit ? offset ?`,
      params,
    );
    const faqs = hits.length ? await this.em.find(Faq, { id: { $in: hits.map((h) => h.id) } }) : [];
    const byId = new Map(faqs.map((f) => [f.id, f]));
    const ordered = hits.map((h) => byId.get(h.id)).filter((f): f is Faq => Boolean(f));
    // The cursor is the 1-based position in the ranking.
    return toConnection(ordered, first, (_, i) => encodeCursor([offset + i + 1]), offset > 0);
  }

  async create(actor: { workspaceId: string }, input: CreateFaqInput): Promise<Faq> {
    if (input.categoryId) await this.category(input.categoryId);
    const faq = this.em.create(Faq, {
      workspace: actor.workspaceId,
      category: input.categoryId ?? null,
      question: input.question.trim(),
      answer: input.answer.trim(),
      alternateQuestions: cleanAlternates(input.question, input.alternateQuestions),
      tags: cleanTags(input.tags),
    });
    audit(this.scope, actor.workspaceId, { action: 'faq.create', targetType: 'Faq', targetId: faq.id });
    await this.reembed(faq);
    return faq;
  }

  async update(actor: { workspaceId: string }, input: UpdateFaqInput): Promise<Faq> {
    const faq = await this.get(input.id);
    if (input.categoryId) await this.category(input.categoryId);
    if (input.categoryId !== undefined) faq.category = input.categoryId ? (this.em.getReference(FaqCategory, input.categoryId) as never) : null;
    if (input.question !== undefined) faq.question = input.question.trim();
    if (input.answer !== undefined) faq.answer = input.answer.trim();
    if (input.alternateQuestions != null || input.question !== undefined) {
      faq.alternateQuestions = cleanAlternates(faq.question, input.alternateQuestions ?? faq.alternateQuestions);
    }
    if (input.tags !== undefined) faq.tags = cleanTags(input.tags);
    faq.embeddingStatus = EmbeddingStatus.PENDING;
    audit(this.scope, actor.workspaceId, { action: 'faq.update', targetType: 'Faq', targetId: faq.id });
    await this.reembed(faq);
    return faq;
  }

  async setStatus(actor: { workspaceId: string }, id: string, status: FaqStatus): Promise<Faq> {
    const faq = await this.get(id);
    faq.status = status;
    if (status === FaqStatus.PUBLISHED) faq.publishedAt = new Date();
    audit(this.scope, actor.workspaceId, { action: status === FaqStatus.PUBLISHED ? 'faq.publish' : 'faq.archive', targetType: 'Faq', targetId: faq.id });
    const fanOut =
      status === FaqStatus.PUBLISHED &&
      (await emitWebhookEvents(this.em, actor.workspaceId, [{ type: WebhookEventType.FAQ_PUBLISHED, data: { faq: faqData(faq) } }]));
    await this.reembed(faq);
    pokeFanOut(this.scope.deps, fanOut);
    return faq;
  }

  /**
   * Saves the FAQ and rebuilds its chunks and embeddings in the background:
   * one job per version, committed with the change (transactional outbox).
   */
  private async reembed(faq: Faq) {
    const job = enqueueWith(this.em, embedFaqJob, { workspaceId: faq.workspace.id, faqId: faq.id });
    await this.em.flush();
    await this.scope.deps.outbox.dispatch([job]);
  }

  private async category(id: string) {
    const category = await this.em.findOne(FaqCategory, { id });
    if (!category) throw notFound('FAQ category');
    return category;
  }
}
