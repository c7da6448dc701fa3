// Offline message analysis for the `local` provider: every signal is a method
// an operator can read and predict, because it drives hand-off to humans.
// - wantsHuman: explicit phrases (en, es, fr, de). A regex misses creative
//   wording but never fires on "I am a person", and it is cheap to extend.
// - sentiment: the `sentiment` package (AFINN-165 with English negation) plus
//   small hand-made es/fr/de word lists; the raw sum is squashed with
//   tanh(score / 5) so one strong word (±3) lands near ±0.5.
// - language: franc-min trigram profiles restricted to languages we can name
//   in ISO 639-1, re-ranked by function words for the seven most common
//   European languages (trigrams alone call "I want to talk to a person"
//   Spanish); texts under 12 characters are 'und'.
// - intent: nearest centroid over the hashed embedding (intent.ts), English
//   prototypes, so non-English messages are 'other' unless asking for a human.
import { francAll } from 'franc-min';
import Sentiment from 'sentiment';
import { createDefaultIntentClassifier, type NearestCentroidIntentClassifier } from './intent.js';

export interface MessageAnalysis {
  intent: string;
  /** -1 (very negative) .. 1 (very positive). */
  sentiment: number;
  sentimentLabel: 'NEGATIVE' | 'NEUTRAL' | 'POSITIVE';
  /** ISO 639-1 code, or 'und' when undetermined. */
  language: string;
  wantsHuman: boolean;
}

const HUMAN_PATTERNS: RegExp[] = [
  // en
  /\b(talk|speak|chat|connect|transfer|put)\s+(me\s+)?(to|with|through\s+to)\s+(a|an|the|some|your|one\s+of\s+your)?\s*(real|live|actual|human)?\s*(person|people|human|agent|representative|rep|someone|somebody|operator|manager|supervisor|staff|employee)\b/iu,
  /\b(real|live|actual)\s+(person|human|agent|people)\b/iu,
  /\bhuman\s+(agent|being|support|operator|please)\b/iu,
  /\b(want|need|get|give)\s+(me\s+)?(a|an)\s+(human|person|agent|representative|operator)\b/iu,
  /\bnot\s+(a\s+|to\s+a\s+)?(bot|robot|machine)\b|\bno\s+(more\s+)?bots?\b|\bstop\s+(the\s+)?bot\b/iu,
  /^\s*(human|agent|representative|operator)\s*[.!]*\s*(please)?\s*[.!]*\s*$/iu,
  // es
  /\bhablar\s+con\s+(una?\s+)?(persona|humano|agente|alguien|representante|operador|asesor)\b/iu,
  /\b(persona|agente)\s+(real|humano|humana)\b/iu,
  // fr
  /\bparler\s+(?:à|a|avec)\s+(?:quelqu['’]un|(?:un|une)\s+(?:vraie?\s+)?(?:personne|humain|agent|conseill(?:er|ère)|opérat(?:eur|rice)|operateur))/iu,
  /(?:^|[\s,.!?])(vraie\s+personne|personne\s+réelle|conseiller\s+humain|agent\s+humain|être\s+humain)\b/iu,
  // de
  /\bmit\s+(einem|einer|jemandem)\s*(echten\s+|richtigen\s+)?(menschen|mitarbeiter(in)?|person|berater(in)?|agenten)?\s*(sprechen|reden)\b/iu,
  /\b(echten|richtigen)\s+(menschen|mitarbeiter)\b/iu,
];

/** True when the text explicitly asks for a human (see HUMAN_PATTERNS). */
export function detectWantsHuman(text: string): boolean {
  return HUMAN_PATTERNS.some((re) => re.test(text));
}

// Small lexicons for the languages we detect besides English (AFINN-style -5..5).
const NEGATORS: Record<string, Set<string>> = {
  es: new Set(['no', 'nunca', 'ni', 'tampoco']),
  fr: new Set(['pas', 'jamais', 'ne', "n'", 'plus']),
  de: new Set(['nicht', 'kein', 'keine', 'keinen', 'nie', 'niemals']),
};
const LEXICONS: Record<string, Record<string, number>> = {
  es: {
    gracias: 2, bien: 2, bueno: 2, buena: 2, excelente: 4, genial: 3, perfecto: 3, encantado: 3, feliz: 3, rápido: 1, útil: 2, amable: 2,
    malo: -3, mala: -3, mal: -2, terrible: -3, horrible: -3, pésimo: -4, pésima: -4, enfadado: -3, enojado: -3, molesto: -2,
    decepcionado: -2, problema: -1, error: -2, lento: -1, inaceptable: -3, nunca: -1, queja: -2, estafa: -4, frustrado: -2, roto: -2,
  },
  fr: {
    merci: 2, bien: 2, bon: 2, bonne: 2, excellent: 4, génial: 3, parfait: 3, super: 3, content: 2, contente: 2, ravi: 3, utile: 2, aimable: 2,
    mauvais: -3, mauvaise: -3, mal: -2, terrible: -3, horrible: -3, nul: -3, nulle: -3, fâché: -3, énervé: -3, déçu: -2, déçue: -2,
    problème: -1, erreur: -2, lent: -1, inacceptable: -3, plainte: -2, arnaque: -4, frustré: -2, cassé: -2,
  },
  de: {
    danke: 2, gut: 2, gute: 2, super: 3, toll: 3, ausgezeichnet: 4, perfekt: 3, zufrieden: 2, freundlich: 2, hilfreich: 2, schnell: 1,
    schlecht: -3, schlechte: -3, schlechter: -3, furchtbar: -3, schrecklich: -3, katastrophe: -4, ärgerlich: -3, wütend: -3, enttäuscht: -2,
    problem: -1, fehler: -2, langsam: -1, inakzeptabel: -3, beschwerde: -2, betrug: -4, frustriert: -2, kaputt: -2,
  },
};

const sentimentAnalyzer = new Sentiment();
for (const [lang, labels] of Object.entries(LEXICONS)) {
  const negators = NEGATORS[lang]!;
  sentimentAnalyzer.registerLanguage(lang, {
    labels,
    scoringStrategy: {
      // Flip a word's score when one of the two previous tokens negates it.
      apply: (tokens, cursor, score) =>
        negators.has(tokens[cursor - 1] ?? '') || negators.has(tokens[cursor - 2] ?? '') ? -score : score,
    },
  });
}

export interface SentimentResult {
  score: number;
  label: MessageAnalysis['sentimentLabel'];
}

/**
 * Lexicon sentiment mapped to -1..1; |score| < 0.25 (a lone mild word) is
 * NEUTRAL. Messages detected as es/fr/de use that language's list, all others
 * AFINN (English).
 */
export function lexiconSentiment(text: string, language = 'en'): SentimentResult {
  const lang = language in LEXICONS ? language : 'en';
  // "I would like to …" is a request, not praise (AFINN scores "like" +2).
  const cleaned = lang === 'en' ? text.replace(/\b(would|'d|’d)\s+like\b/giu, '$1 want') : text;
  const result = sentimentAnalyzer.analyze(cleaned, { language: lang });
  const score = Math.tanh(result.score / 5);
  return { score: Object.is(score, -0) ? 0 : score, label: sentimentLabelFor(score) };
}

/** One labelling rule for every provider, so labels mean the same whoever scored. */
export function sentimentLabelFor(score: number): MessageAnalysis['sentimentLabel'] {
  return score <= -0.25 ? 'NEGATIVE' : score >= 0.25 ? 'POSITIVE' : 'NEUTRAL';
}

/** ISO 639-3 (franc) → ISO 639-1 for the languages franc-min knows and customers commonly write. */
export const ISO639_3_TO_1: Record<string, string> = {
  eng: 'en', spa: 'es', fra: 'fr', deu: 'de', por: 'pt', ita: 'it', nld: 'nl', pol: 'pl', tur: 'tr', ron: 'ro',
  swe: 'sv', ces: 'cs', hun: 'hu', ind: 'id', zlm: 'ms', vie: 'vi', tgl: 'tl', swh: 'sw', hrv: 'hr', srp: 'sr',
  bos: 'bs', uzn: 'uz', azj: 'az', zul: 'zu', hau: 'ha', yor: 'yo', ibo: 'ig', som: 'so', jav: 'jv', sun: 'su',
  rus: 'ru', ukr: 'uk', bul: 'bg', bel: 'be', kaz: 'kk', arb: 'ar', urd: 'ur', pes: 'fa', hin: 'hi', mar: 'mr',
  npi: 'ne', cmn: 'zh', jpn: 'ja', kor: 'ko', tha: 'th', ell: 'el', heb: 'he', ben: 'bn', tam: 'ta', tel: 'te',
  guj: 'gu', pan: 'pa', kan: 'kn', mal: 'ml', khm: 'km', lao: 'lo', kat: 'ka', hye: 'hy', amh: 'am', sin: 'si', mya: 'my',
};
const FRANC_ONLY = Object.keys(ISO639_3_TO_1);

// Frequent function words (and greetings) per language: short messages are
// mostly these, and they separate languages that trigram profiles confuse.
const FUNCTION_WORDS: Record<string, Set<string>> = Object.fromEntries(
  Object.entries({
    eng: 'the a an i you my me to is are was it this that and or of in on for with have has not can do does did what how why where when please thanks thank hello hi want need would your we our be been will yet just',
    spa: 'el la los las un una y o de del en con por para que es no mi mis me yo tu su se lo le hola gracias quiero necesito puedo favor está estoy muy pero como cómo dónde qué todavía ayuda',
    fra: 'le la les un une et ou de des du en avec pour que qui est ne pas je tu il vous nous mon ma mes me se ce bonjour merci voudrais veux peux plaît très mais où comment au aux suis ai',
    deu: 'der die das ein eine einen einem und oder von mit für ist nicht kein ich du sie wir mein meine mich mir sich hallo danke bitte möchte kann habe bin sehr aber wo wie noch auf zu im es',
    por: 'o a os as um uma e ou de do da em no na com por para que é não eu meu minha olá obrigado obrigada quero preciso posso está muito mas onde como ainda você',
    ita: 'il lo la gli le un una e o di del della in con per che è non io mio mia mi ciao grazie voglio vorrei posso sono molto ma dove come ancora',
    nld: 'de het een en of van met voor is niet geen ik jij je mijn mij hallo dank bedankt alsjeblieft wil kan heb ben erg maar waar hoe nog op te',
  }).map(([lang, words]) => [lang, new Set(words.split(' '))]),
);

/**
 * ISO 639-1 language of the text, or 'und' when shorter than `minLength`
 * characters or not one we map. Score = franc's relative trigram score
 * (1 for its best guess) + 0.6 × the share of words that are function words of
 * that language.
 */
export function detectLanguage(text: string, minLength = 12): string {
  const candidates = francAll(text, { minLength, only: FRANC_ONLY });
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let best = { code: 'und', score: -Infinity };
  for (const [code, francScore] of candidates) {
    const fw = FUNCTION_WORDS[code];
    const share = fw && words.length ? words.filter((w) => fw.has(w)).length / words.length : 0;
    const score = francScore + 0.6 * share;
    if (score > best.score) best = { code, score };
  }
  return ISO639_3_TO_1[best.code] ?? 'und';
}

let defaultClassifier: NearestCentroidIntentClassifier | undefined;

export function analyzeMessage(text: string, classifier?: NearestCentroidIntentClassifier): MessageAnalysis {
  const wantsHuman = detectWantsHuman(text);
  const language = detectLanguage(text);
  const sentiment = lexiconSentiment(text, language);
  const model = classifier ?? (defaultClassifier ??= createDefaultIntentClassifier());
  // The explicit phrase rule outranks the classifier (and covers es/fr/de). The
  // prototypes are English: on other languages a lexical match is noise.
  const intent = wantsHuman ? 'human_request' : language === 'en' || language === 'und' ? model.predict(text).label : 'other';
  return { intent, sentiment: sentiment.score, sentimentLabel: sentiment.label, language, wantsHuman };
}
