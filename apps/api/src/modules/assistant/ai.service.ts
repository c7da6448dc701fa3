// Knowledge search and agent-assist drafts for the API.
import type { Scope } from '../../platform/context.js';
import { staff, workspaceActor } from '../../platform/actor.js';
import { badInput } from '../../platform/errors.js';
import { Faq, MEANINGFUL_SIMILARITY } from '../knowledge/index.js';
import { AuthorType, ConversationService, Message, MessageKind } from '../conversations/index.js';
import { draftAnswer, retrieveFor, toHistory } from './answering.js';
import type { KnowledgeHit, SuggestedReply } from './ai.types.js';
import { ensureModelConfigs, pickModelConfig } from './model-config.service.js';

export class AiService {
  constructor(private readonly scope: Scope) {}

  /** Published FAQs matching the query by full text or by a meaningful vector similarity; [] when nothing does. */
  async search(query: string, limit: number): Promise<KnowledgeHit[]> {
    const me = workspaceActor(this.scope.actor);
    const { deps, em } = this.scope;
    const hits = await retrieveFor(deps.orm, em, deps.ai, me.workspaceId, query, limit, { minSimilarity: MEANINGFUL_SIMILARITY });
    const faqs = await em.find(Faq, { id: { $in: hits.map((h) => h.faqId) } });
    const byId = new Map(faqs.map((f) => [f.id, f]));
    return hits.flatMap((h) => (byId.has(h.faqId) ? [{ faq: byId.get(h.faqId)!, score: h.similarity, snippet: h.text }] : []));
  }

  async suggest(conversationId: string): Promise<SuggestedReply> {
    const me = staff(this.scope.actor);
    const { deps, em } = this.scope;
    const conversation = await new ConversationService(this.scope).get(conversationId);
    const recent = (await em.find(Message, { conversation, kind: MessageKind.MESSAGE }, { orderBy: { seq: 'desc' }, limit: 12 })).reverse();
    const lastQuestion = [...recent].reverse().find((m) => m.authorType === AuthorType.CUSTOMER);
    if (!lastQuestion) throw badInput('The conversation has no customer message to answer', 'conversationId');
    const mc = pickModelConfig(await ensureModelConfigs(em, deps.config, me.workspaceId), conversation.id);
    const { answer } = await draftAnswer(deps, em, me.workspaceId, mc, lastQuestion.body, toHistory(recent.filter((m) => m.seq < lastQuestion.seq)));
    const faqs = await em.find(Faq, { id: { $in: answer.citations.map((c) => c.faqId) } });
    return {
      body: answer.answer,
      confidence: answer.confidence,
      modelConfigId: mc.id,
      citations: answer.citations.map((c) => ({ faq: faqs.find((f) => f.id === c.faqId) ?? null, score: c.score })),
    };
  }
}
