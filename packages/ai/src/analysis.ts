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
//   Spanish), the more so the shorter the text; texts under 12 characters,
//   and short ones whose evidence for a non-English language is weak, are 'und'.
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
    gracias: 2,
    bien: 2,
    bueno: 2,
    buena: 2,
    excelente: 4,
    genial: 3,
    perfecto: 3,
    encantado: 3,
    feliz: 3,
    rápido: 1,
    útil: 2,
    amable: 2,
    malo: -3,
    mala: -3,
    mal: -2,
    terrible: -3,
    horrible: -3,
    pésimo: -4,
    pésima: -4,
    enfadado: -3,
    enojado: -3,
    molesto: -2,
    decepcionado: -2,
    problema: -1,
    error: -2,
    lento: -1,
    inaceptable: -3,
    nunca: -1,
    queja: -2,
    estafa: -4,
    frustrado: -2,
    roto: -2,
  },
  fr: {
    merci: 2,
    bien: 2,
    bon: 2,
    bonne: 2,
    excellent: 4,
    génial: 3,
    parfait: 3,
    super: 3,
    content: 2,
    contente: 2,
    ravi: 3,
    utile: 2,
    aimable: 2,
    mauvais: -3,
    mauvaise: -3,
    mal: -2,
    terrible: -3,
    horrible: -3,
    nul: -3,
    nulle: -3,
    fâché: -3,
    énervé: -3,
    déçu: -2,
    déçue: -2,
    problème: -1,
    erreur: -2,
    lent: -1,
    inacceptable: -3,
    plainte: -2,
    arnaque: -4,
    frustré: -2,
    cassé: -2,
  },
  de: {
    danke: 2,
    gut: 2,
    gute: 2,
    super: 3,
    toll: 3,
    ausgezeichnet: 4,
    perfekt: 3,
    zufrieden: 2,
    freundlich: 2,
    hilfreich: 2,
    schnell: 1,
    schlecht: -3,
    schlechte: -3,
    schlechter: -3,
    furchtbar: -3,
    schrecklich: -3,
    katastrophe: -4,
    ärgerlich: -3,
    wütend: -3,
    enttäuscht: -2,
    problem: -1,
    fehler: -2,
    langsam: -1,
    inakzeptabel: -3,
    beschwerde: -2,
    betrug: -4,
    frustriert: -2,
    kaputt: -2,
  },
};

const sentimentAnalyzer = new Sentiment();
for (const [lang, labels] of Object.entries(LEXICONS)) {
  const negators = NEGATORS[lang]!;
  sentimentAnalyzer.registerLanguage(lang, {
    labels,
    scoringStrategy: {
      // Flip a word's score when one of the two previous tokens negates it.
      apply: (tokens, cursor, score) => (negators.has(tokens[cursor - 1] ?? '') || negators.has(tokens[cursor - 2] ?? '') ? -score : score),
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
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  deu: 'de',
  por: 'pt',
  ita: 'it',
  nld: 'nl',
  pol: 'pl',
  tur: 'tr',
  ron: 'ro',
  swe: 'sv',
  ces: 'cs',
  hun: 'hu',
  ind: 'id',
  zlm: 'ms',
  vie: 'vi',
  tgl: 'tl',
  swh: 'sw',
  hrv: 'hr',
  srp: 'sr',
  bos: 'bs',
  uzn: 'uz',
  azj: 'az',
  zul: 'zu',
  hau: 'ha',
  yor: 'yo',
  ibo: 'ig',
  som: 'so',
  jav: 'jv',
  sun: 'su',
  rus: 'ru',
  ukr: 'uk',
  bul: 'bg',
  bel: 'be',
  kaz: 'kk',
  arb: 'ar',
  urd: 'ur',
  pes: 'fa',
  hin: 'hi',
  mar: 'mr',
  npi: 'ne',
  cmn: 'zh',
  jpn: 'ja',
  kor: 'ko',
  tha: 'th',
  ell: 'el',
  heb: 'he',
  ben: 'bn',
  tam: 'ta',
  tel: 'te',
  guj: 'gu',
  pan: 'pa',
  kan: 'kn',
  mal: 'ml',
  khm: 'km',
  lao: 'lo',
  kat: 'ka',
  hye: 'hy',
  amh: 'am',
  sin: 'si',
  mya: 'my',
};
const FRANC_ONLY = Object.keys(ISO639_3_TO_1);

// The most frequent function words (and greetings) per language, roughly a
// hundred each so that no language wins by the size of its list. Short
// messages are mostly these, and they separate languages that trigram profiles
// confuse. Tokens are runs of letters, so contractions arrive split ("don't" →
// don + t, "j'ai" → j + ai; English lists the pieces). A word may belong to
// several languages.
const FUNCTION_WORDS: Record<string, Set<string>> = Object.fromEntries(
  Object.entries({
    eng: 'the a an i me my you your he him his she her it its we us our they them their this that these those what which who whom when where why how is are was were be been being am have has had do does did will would shall should can could may might must not no and or but if so than then because as at by for from in into of on off out over up down to with without about after before again also just only still yet already very too more most much many some any all each every there here please thanks thank hello hi hey want need get got s t m ll ve re isn aren wasn don doesn didn haven hasn won wouldn couldn',
    spa: 'el la los las lo un una unos unas y e o u ni de del al a en con por para sin sobre entre hasta desde que qué quien quién cual cuál como cómo cuando cuándo donde dónde cuanto cuánto es son era fue ser estar está están estoy he ha han hay tengo tiene tienen puedo puede pueden quiero quiere necesito no sí si ya muy más menos pero porque también todavía aún mi mis tu tus su sus nuestro me te se nos le les yo usted ustedes él ella este esta esto ese esa eso aquí hola gracias favor ayuda todo todos nada algo alguien',
    fra: 'le la les l un une des du de d au aux à et ou mais donc car ni que qu qui quoi quel quelle quels quelles où comment pourquoi quand combien est sont suis êtes ai as a avons avez ont été être avoir fait faire peux peut pouvez veux veut voudrais je j tu il elle on nous vous ils elles me m te se s ce c cet cette ces mon ma mes ton ta son sa ses notre nos votre vos leur ne n pas plus jamais rien très bien aussi encore déjà toujours avec pour par dans sur sans chez en y bonjour bonsoir merci plaît oui non',
    deu: 'der die das den dem des ein eine einen einem einer und oder aber denn doch ich du er sie es wir ihr mich mir dich dir sich uns ihm ihn ihnen mein meine meinen meinem meiner dein deine sein seine ihre unser ist sind bin bist war hat habe hast haben hatte wird werden wurde würde kann können könnte möchte will muss soll nicht kein keine keinen nichts auch noch schon nur sehr so wie was wo wann warum wer welche mit von zu zum zur bei nach aus für auf an am im in um über vor durch ohne bis hallo danke bitte ja nein gibt',
    por: 'o a os as um uma uns umas e ou mas nem de do da dos das em no na nos nas ao aos à com por pelo pela para sem sobre entre até que quem qual quais como onde quando quanto porque é são sou está estão estou era foi ser estar tem têm tenho há posso pode podem quero quer preciso não sim se já muito mais menos também ainda meu minha meus minhas seu sua seus suas me te lhe eu você vocês ele ela este esta isto esse essa isso aqui olá oi obrigado obrigada favor ajuda todo tudo nada algo alguém',
    ita: 'il lo la l gli le un una uno e ed o ma né di del dello della dei degli delle a al allo alla ai agli alle da dal dalla in nel nella nei con su sul sulla per tra fra che chi cosa quale come dove quando quanto perché è sono sei siamo era ho ha hai abbiamo avete hanno essere avere posso può possono voglio vorrei vuole devo deve non sì se già molto più meno anche ancora mio mia miei mie tuo tua suo sua nostro mi ti si ci vi io lui lei noi voi loro questo questa quello quella qui ciao grazie favore aiuto tutto niente',
    nld: 'de het een en of maar want dus van in op aan met voor naar bij uit over door om tot te zonder is zijn ben bent was waren wordt worden werd heb hebt heeft hebben had kan kunt kunnen wil wilt willen moet mag zal zou niet geen nog al ook wel erg heel meer ik je jij u hij zij ze we wij jullie mij me mijn jouw uw haar ons onze hun dit dat deze die er hier daar wat wie waar wanneer hoe waarom welke hallo hoi dank bedankt alsjeblieft alstublieft graag ja nee iets niets',
  }).map(([lang, words]) => [lang, new Set(words.split(' '))]),
);

// A non-English guess must beat English by FOREIGN_MARGIN (in score units,
// see detectLanguage), else the text is 'und'. Calling English text foreign
// costs more than the reverse: it switches off the (English) intent classifier.
// A guess that rests on trigrams alone (none of its function words in the
// text) must beat English by TRIGRAMS_ALONE_MARGIN / n on n words: 0.5 on
// four words, 1 (the whole range of franc's scores) on two.
const FOREIGN_MARGIN = 0.2;
const TRIGRAMS_ALONE_MARGIN = 2;

/**
 * ISO 639-1 language of the text, or 'und' when shorter than `minLength`
 * characters, not one we map, or ambiguous. A candidate's score is franc's
 * relative trigram score (1 for its best guess) + (1 + 8/n) × the share of
 * the text's n words that are function words of that language.
 *
 * Trigram profiles need text: on a handful of words franc's runner-ups score
 * close to its guess, and the guess is often wrong ("How long does shipping
 * take?" → Javanese), while "how" and "does" are unambiguous.
 * So function words weigh more the shorter the text (×9 for one word, ×3 at
 * four, towards ×1 for long text), and a non-English winner must clear a
 * margin over English, larger when no function word backs it. Below the
 * margin the answer is 'und', on which the intent classifier still runs.
 */
export function detectLanguage(text: string, minLength = 12): string {
  const candidates = francAll(text, { minLength, only: FRANC_ONLY });
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const n = Math.max(words.length, 1);
  const scored = candidates
    .map(([code, francScore]) => {
      const fw = FUNCTION_WORDS[code];
      const hits = fw ? words.filter((w) => fw.has(w)).length : 0;
      return { code, hits, score: francScore + (1 + 8 / n) * (hits / n) };
    })
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return 'und';
  if (best.code === 'eng') return 'en';
  // Absent for scripts English is not written in (Cyrillic, Greek, Hangul…): there the script decides.
  const english = scored.find((c) => c.code === 'eng');
  const margin = best.hits > 0 ? FOREIGN_MARGIN : Math.max(FOREIGN_MARGIN, TRIGRAMS_ALONE_MARGIN / n);
  if (english && best.score - english.score < margin) return 'und';
  return ISO639_3_TO_1[best.code] ?? 'und';
}

let defaultClassifier: NearestCentroidIntentClassifier | undefined;

export function analyzeMessage(text: string, classifier?: NearestCentroidIntentClassifier): MessageAnalysis {
  const wantsHuman = detectWantsHuman(text);
  const language = detectLanguage(text);
  const sentiment = lexiconSentiment(text, language);
  const model = classifier ?? (defaultClassifier ??= createDefaultIntentClassifier());
  // The explicit phrase rule outranks the classifier (and covers es/fr/de). The
  // prototypes are English: on other languages a lexical match is noise, but
  // 'und' (short or ambiguous text, often English) is worth a try.
  const intent = wantsHuman ? 'human_request' : language === 'en' || language === 'und' ? model.predict(text).label : 'other';
  return { intent, sentiment: sentiment.score, sentimentLabel: sentiment.label, language, wantsHuman };
}
