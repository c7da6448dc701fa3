// Per-workspace intent taxonomies: admins import labelled examples (CSV with
// `text` and `label` columns; BANKING77's `category` header is accepted too),
// a naive Bayes classifier is trained on them at once and stored; message
// analysis then labels customer messages with the workspace's own labels.
import { BayesIntentClassifier, type IntentExample } from '@switchboard/ai';
import { parse } from 'csv-parse/sync';
import { staff } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import type { Em, Orm } from '../../platform/database.js';
import { badInput } from '../../platform/errors.js';
import { audit } from '../audit/index.js';
import { IntentModel } from './intent-model.entity.js';

export const MAX_INTENT_EXAMPLES = 50_000;
export const MAX_INTENT_LABELS = 500;

export function parseIntentCsv(csv: string): IntentExample[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw badInput(`Not valid CSV: ${(err as Error).message}`, 'csv');
  }
  if (!rows.length) throw badInput('The CSV has no examples', 'csv');
  const labelColumn = 'label' in rows[0]! ? 'label' : 'category' in rows[0]! ? 'category' : null;
  if (!('text' in rows[0]!) || !labelColumn) throw badInput('The CSV needs a header row with the columns text and label', 'csv');
  if (rows.length > MAX_INTENT_EXAMPLES) throw badInput(`At most ${MAX_INTENT_EXAMPLES} examples`, 'csv');
  return rows.map((r, i) => {
    const text = r.text ?? '';
    const label = r[labelColumn] ?? '';
    if (!text || text.length > 2000) throw badInput(`Example ${i + 1}: text must be 1 to 2000 characters`, 'csv');
    if (!label || label.length > 100 || /[\p{Cc}]/u.test(label)) throw badInput(`Example ${i + 1}: label must be 1 to 100 characters on one line`, 'csv');
    return { text, label };
  });
}

/** Accuracy on every fifth example of a model trained on the other four fifths (null below 20 examples). */
export function heldOutAccuracy(examples: IntentExample[]): number | null {
  if (examples.length < 20) return null;
  const train = examples.filter((_, i) => i % 5 !== 4);
  const test = examples.filter((_, i) => i % 5 === 4);
  const model = BayesIntentClassifier.fit(train);
  return test.filter((e) => model.predict(e.text).label === e.label).length / test.length;
}

export class IntentService {
  constructor(private readonly scope: Scope) {}

  model(): Promise<IntentModel | null> {
    return this.scope.em.findOne(IntentModel, {});
  }

  async importExamples(csv: string): Promise<IntentModel> {
    const me = staff(this.scope.actor);
    const examples = parseIntentCsv(csv);
    const labels = new Set(examples.map((e) => e.label));
    if (labels.size < 2) throw badInput('At least two different labels are needed', 'csv');
    if (labels.size > MAX_INTENT_LABELS) throw badInput(`At most ${MAX_INTENT_LABELS} labels`, 'csv');
    const accuracy = heldOutAccuracy(examples);
    const classifier = BayesIntentClassifier.fit(examples);
    const fields = { labels: classifier.labels, examples: examples.length, heldOutAccuracy: accuracy, model: classifier.toJSON(), trainedAt: new Date() };
    let model = await this.scope.em.findOne(IntentModel, {});
    if (model) Object.assign(model, fields);
    else model = this.scope.em.create(IntentModel, { workspace: me.workspaceId, ...fields });
    audit(this.scope, me.workspaceId, {
      action: 'intent_model.train',
      targetType: 'IntentModel',
      targetId: model.id,
      metadata: { examples: examples.length, labels: labels.size },
    });
    await this.scope.em.flush();
    return model;
  }
}

const classifiers = new WeakMap<Orm, Map<string, { trainedAt: number; classifier: BayesIntentClassifier }>>();

/** The workspace's trained classifier, if it has one (deserialised once per training). */
export async function workspaceIntentClassifier(orm: Orm, em: Em, workspaceId: string): Promise<BayesIntentClassifier | null> {
  const [row] = await em.execute<{ trained_at: string | Date }[]>('select trained_at from intent_model where workspace_id = ?', [workspaceId]);
  let cache = classifiers.get(orm);
  if (!cache) classifiers.set(orm, (cache = new Map()));
  if (!row) {
    cache.delete(workspaceId);
    return null;
  }
  const trainedAt = new Date(row.trained_at).getTime();
  const cached = cache.get(workspaceId);
  if (cached?.trainedAt === trainedAt) return cached.classifier;
  const [full] = await em.execute<{ model: IntentModel['model'] | string }[]>('select model from intent_model where workspace_id = ?', [workspaceId]);
  const json = typeof full!.model === 'string' ? JSON.parse(full!.model) : full!.model;
  const classifier = BayesIntentClassifier.fromJSON(json);
  cache.set(workspaceId, { trainedAt, classifier });
  return classifier;
}
