import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Faq } from '../knowledge/faq.entity.js';

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
