// Workspace labels (admins manage them) and the labels on conversations
// (any agent sets them). A conversation's label change goes through the
// conversation's own change path: locked, audited, published to its feed and
// the inbox.
import { sql, UniqueConstraintViolationException } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { workspaceActor } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { audit } from '../audit/index.js';
import { Conversation, ConversationService, ConversationStatus, publishConversationChanged } from '../conversations/index.js';
import { ConversationLabel, Label } from './label.entity.js';
import type { CreateLabelInput, UpdateLabelInput } from './label.inputs.js';

const duplicate = (name: string) => conflict(`A label named "${name}" already exists (label names are compared ignoring case)`);

export class LabelService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  /** Alphabetical ignoring case. */
  list(): Promise<Label[]> {
    return this.em.find(Label, {}, { orderBy: [{ [sql.lower('name')]: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string): Promise<Label> {
    assertId(id);
    const label = await this.em.findOne(Label, { id });
    if (!label) throw notFound('Label');
    return label;
  }

  async create(input: CreateLabelInput): Promise<Label> {
    const { workspaceId } = workspaceActor(this.scope.actor);
    const label = this.em.create(Label, { workspace: workspaceId, name: input.name.trim(), color: input.color.toLowerCase() });
    audit(this.scope, workspaceId, { action: 'label.create', targetType: 'Label', targetId: label.id, metadata: { name: label.name } });
    await this.flushUnique(label.name);
    return label;
  }

  async update(id: string, input: UpdateLabelInput): Promise<Label> {
    const label = await this.get(id);
    if (input.name != null) label.name = input.name.trim();
    if (input.color != null) label.color = input.color.toLowerCase();
    audit(this.scope, label.workspace.id, { action: 'label.update', targetType: 'Label', targetId: label.id, metadata: { name: label.name } });
    await this.flushUnique(label.name);
    return label;
  }

  /** Deletes the label and takes it off every conversation, which their feeds and the inbox hear about. */
  async delete(id: string): Promise<boolean> {
    const label = await this.get(id);
    const workspaceId = label.workspace.id;
    const tagged = await this.em.find(ConversationLabel, { label: id }, { fields: ['conversation'] });
    audit(this.scope, workspaceId, {
      action: 'label.delete',
      targetType: 'Label',
      targetId: label.id,
      metadata: { name: label.name, conversations: tagged.length },
    });
    this.em.remove(label);
    await this.em.flush();
    const conversations = tagged.length ? await this.em.find(Conversation, { id: { $in: tagged.map((t) => t.conversation.id) } }) : [];
    for (const c of conversations) publishConversationChanged(this.scope.deps.pubSub, c, 'unlabeled');
    return true;
  }

  /** Puts a label on a conversation (nothing changes if it is already there). */
  async label(conversationId: string, labelId: string): Promise<Conversation> {
    const label = await this.get(labelId);
    return new ConversationService(this.scope).applyChange(conversationId, async (c, em) => {
      const existing = await em.findOne(ConversationLabel, { conversation: c.id, label: label.id });
      if (existing) return 'updated';
      em.create(ConversationLabel, { conversation: c.id, label: label.id, workspace: c.workspace.id });
      return 'labeled';
    });
  }

  async unlabel(conversationId: string, labelId: string): Promise<Conversation> {
    assertId(labelId, 'labelId');
    return new ConversationService(this.scope).applyChange(conversationId, async (c, em) => {
      const removed = await em.nativeDelete(ConversationLabel, { conversation: c.id, label: labelId });
      return removed ? 'unlabeled' : 'updated';
    });
  }

  private async flushUnique(name: string): Promise<void> {
    try {
      await this.em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw duplicate(name);
      throw err;
    }
  }
}

// Keyed by the EntityManager fork: one per request, and one per event for subscriptions (see useEventScope).
const loaders = new WeakMap<object, DataLoader<string, Label[]>>();

/** The labels of conversations, batched per request (alphabetical). */
export function conversationLabelsLoader(scope: Scope): DataLoader<string, Label[]> {
  let loader = loaders.get(scope.em);
  if (!loader) {
    loader = new DataLoader<string, Label[]>(async (ids) => {
      const rows = await scope.em.find(ConversationLabel, { conversation: { $in: [...ids] } }, { populate: ['label'] });
      const byConversation = new Map<string, Label[]>();
      for (const row of rows) {
        const list = byConversation.get(row.conversation.id) ?? [];
        list.push(row.label.getEntity());
        byConversation.set(row.conversation.id, list);
      }
      const byName = (a: Label, b: Label) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id);
      return ids.map((id) => (byConversation.get(id) ?? []).sort(byName));
    });
    loaders.set(scope.em, loader);
  }
  return loader;
}

const countLoaders = new WeakMap<object, DataLoader<string, number>>();

/** How many unresolved (OPEN or PENDING) conversations carry each label, batched per request: the inbox's label filters. */
export function openConversationCountLoader(scope: Scope): DataLoader<string, number> {
  let loader = countLoaders.get(scope.em);
  if (!loader) {
    const { workspaceId } = workspaceActor(scope.actor);
    loader = new DataLoader<string, number>(async (ids) => {
      const rows: { label_id: string; n: number }[] = await scope.em.execute(
        `select cl.label_id, count(*)::int as n from conversation_label cl join conversation c on c.id = cl.conversation_id
          where cl.workspace_id = ? and c.status <> ? and cl.label_id in (${ids.map(() => '?').join(', ')}) group by cl.label_id`,
        [workspaceId, ConversationStatus.RESOLVED, ...ids],
      );
      const counts = new Map(rows.map((r) => [r.label_id, Number(r.n)]));
      return ids.map((id) => counts.get(id) ?? 0);
    });
    countLoaders.set(scope.em, loader);
  }
  return loader;
}
