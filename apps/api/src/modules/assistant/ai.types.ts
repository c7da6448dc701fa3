import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Faq } from '../knowledge/index.js';

@ObjectType({ description: 'A knowledge-base entry an AI answer is based on.' })
export class Citation {
  @Field(() => Faq, { nullable: true, description: 'Null when the entry was deleted since.' })
  faq!: Faq | null;

  @Field(() => Float, { description: 'Similarity of the cited passage to the question, 0..1.' })
  score!: number;
}

@ObjectType()
export class MessageAnalysis {
  @Field()
  intent!: string;

  @Field(() => Float, { description: '-1 (negative) to 1 (positive).' })
  sentiment!: number;

  @Field({ description: 'NEGATIVE, NEUTRAL or POSITIVE.' })
  sentimentLabel!: string;

  @Field({ description: 'ISO 639-1 code, or `und` when unknown.' })
  language!: string;

  @Field()
  wantsHuman!: boolean;
}

@ObjectType({ description: 'The content-policy check of a customer message (staff only).' })
export class MessageModeration {
  @Field({ description: 'Breaks the content policy: shown to agents as flagged, never dropped.' })
  flagged!: boolean;

  @Field(() => [String], { description: 'Why, in the moderator’s words (profanity, harassment, hate, violence, …).' })
  categories!: string[];

  @Field(() => [String], { description: 'Kinds of personal data found (email, phone, card); they are redacted before analysis and logs.' })
  pii!: string[];

  @Field({ description: 'Who judged: local (offline check) or openai (the model server’s moderation endpoint).' })
  source!: string;
}

@ObjectType()
export class KnowledgeHit {
  @Field(() => Faq)
  faq!: Faq;

  @Field(() => Float, { description: 'Similarity of the best passage to the query, 0..1.' })
  score!: number;

  @Field({ description: 'The best-matching passage.' })
  snippet!: string;
}

@ObjectType({ description: 'A drafted reply for an agent; nothing is sent.' })
export class SuggestedReply {
  @Field()
  body!: string;

  @Field(() => [Citation])
  citations!: Citation[];

  @Field(() => Float)
  confidence!: number;

  @Field(() => ID)
  modelConfigId!: string;
}

@ObjectType({ description: 'Aggregate metrics of an evaluation run.' })
export class EvaluationMetrics {
  @Field(() => Int)
  cases!: number;

  @Field(() => Float, { description: 'Share of cases whose top result is an expected FAQ.' })
  hitRateAt1!: number;

  @Field(() => Float, { description: 'Share of cases with an expected FAQ among the top k results (k of the configuration).' })
  hitRateAtK!: number;

  @Field(() => Float, { description: 'Mean reciprocal rank of the first expected FAQ (0 when missing).' })
  mrr!: number;

  @Field(() => Float, { nullable: true, description: 'Mean embedding cosine between answer and reference answer (cases with a reference).' })
  answerSimilarity!: number | null;

  @Field(() => Float, { description: 'Mean share of answer sentences supported by the cited passages.' })
  groundedness!: number;

  @Field(() => Float)
  latencyP50Ms!: number;

  @Field(() => Float)
  latencyP95Ms!: number;

  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Float, {
    nullable: true,
    description: "Share of in-scope cases answered at the configuration's confidence threshold (the rest would be handed off).",
  })
  answerRate?: number | null;

  @Field(() => Float, { nullable: true, description: 'Of the in-scope cases answered, the share whose answer cites an expected FAQ.' })
  rightAnswerRate?: number | null;

  @Field(() => Int, { nullable: true, description: 'Cases expecting no FAQ (out of scope: the right outcome is a handoff).' })
  outOfScopeCases?: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of out-of-scope cases answered anyway (null without such cases).' })
  outOfScopeAnswered?: number | null;
}

@ObjectType({ description: 'What one confidence threshold would have done on an evaluation run.' })
export class ThresholdPoint {
  @Field(() => Float)
  threshold!: number;

  @Field(() => Float, { description: 'Share of in-scope cases answered; the rest are handed to a person.' })
  answerRate!: number;

  @Field(() => Float, { nullable: true, description: 'Of the in-scope cases answered, the share citing an expected FAQ.' })
  rightAnswerRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of out-of-scope cases answered anyway (null when the dataset has none).' })
  outOfScopeAnswered!: number | null;
}

@ObjectType({
  description:
    "A configuration's answer-or-handoff trade-off, from its latest completed evaluation run: a higher threshold answers fewer questions, more of them right, and fewer out-of-scope ones.",
})
export class ThresholdTradeoff {
  @Field(() => ID)
  runId!: string;

  @Field(() => Float)
  currentThreshold!: number;

  @Field(() => Int)
  cases!: number;

  @Field(() => Int)
  outOfScopeCases!: number;

  @Field(() => [ThresholdPoint], { description: 'Thresholds 0.05 to 0.95 in steps of 0.05.' })
  points!: ThresholdPoint[];
}

@ObjectType()
export class EvaluationProgress {
  @Field(() => ID)
  runId!: string;

  @Field()
  status!: string;

  @Field(() => Int)
  done!: number;

  @Field(() => Int)
  total!: number;
}
