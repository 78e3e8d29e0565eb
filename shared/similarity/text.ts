// Text processing for merge suggestions: normalisation, stop words, language detection and
// stemming for French and English. Isomorphic (runs in the browser too).
import { newStemmer } from 'snowball-stemmers';
import type { Language } from '../schemas.js';

// The engine's modules take the language from here; it is the workshop's (schemas.ts).
export type { Language };

// ---------------------------------------------------------------------------------------------
// Normalisation

const APOSTROPHES = /[’ʼ`´‘]/g;
// French elisions (l'eau, d'alerte, qu'il, jusqu'à) and English possessives/negations. They run
// after accents are stripped, so the letters are ASCII; \p{L} keeps other scripts intact.
const FR_ELISION =
  /(^|[^\p{L}\p{N}])(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'(?=[\p{L}\p{N}])/gu;
const EN_POSSESSIVE = /'s(?![\p{L}\p{N}])/gu;
const EN_NEGATION = /n't(?![\p{L}\p{N}])/gu;
const EN_CANT_WONT = /(^|[^\p{L}\p{N}])(ca|wo)n't(?![\p{L}\p{N}])/gu;
const NON_WORD = /[^\p{L}\p{N}]+/u;

/** Lowercase, no accents (NFD), ligatures spelt out, elisions dropped, one space between words. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(APOSTROPHES, "'")
    .replace(FR_ELISION, '$1')
    .replace(EN_CANT_WONT, (_, before: string, verb: string) =>
      verb === 'ca' ? `${before}can not` : `${before}will not`,
    )
    .replace(EN_NEGATION, ' not')
    .replace(EN_POSSESSIVE, '')
    .split(NON_WORD)
    .filter((word) => word.length > 0)
    .join(' ');
}

// A token: letters, digits and apostrophes, once accents are stripped (combining marks would
// otherwise split a word). Every rule of normalizeText after that step looks only inside such a
// token or at its edges, which a separator or the text's start or end bounds in both cases, so
// normalising token by token gives the same words; the tokens repeat, so each is done once.
const TOKEN_SEPARATOR = /[^\p{L}\p{N}'’ʼ`´‘]+/u;
const tokenCache = new Map<string, readonly string[]>();

/**
 * The words of a text after normalisation (normalizeText split on spaces); hyphens and
 * apostrophes separate words.
 */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const token of text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(TOKEN_SEPARATOR)) {
    if (token === '') continue;
    let ws = tokenCache.get(token);
    if (ws === undefined) {
      const normal = normalizeText(token);
      ws = normal === '' ? [] : normal.split(' ');
      if (tokenCache.size >= 50_000) tokenCache.clear();
      tokenCache.set(token, ws);
    }
    for (const w of ws) out.push(w);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stop words (accent-free, as normalizeText leaves them)

const FR_FUNCTION_WORDS = new Set(
  (
    'a afin ai aie ainsi alors apres as au aucun aucune aupres aussi autre autres aux avant avec ' +
    'avez avoir avons c ca car ce ceci cela celle celles celui cependant certain certaines certains ' +
    'ces cet cette ceux chacun chacune chaque chez comme comment d dans de deja depuis des donc dont ' +
    'du elle elles en encore entre es est et etaient etait etant ete etre eu eux fait faire fois ' +
    'font ici il ils j je jusqu l la le les leur leurs lors lorsque lui m ma mais me meme memes mes ' +
    'moi moins mon n ne ni non nos notre nous on ont ou par parce pas peu peut peuvent plus ' +
    'plusieurs pour pourquoi puis qu quand que quel quelle quelles quels qui quoi s sa sans se sera ' +
    'seront ses si sinon soi soit son sont sous suis sur t ta tant te tes toi ton tous tout toute ' +
    'toutes tres tu un une unes uns vers via voici voila vos votre vous y ' +
    // "en cas de", "au regard de", "a l'echelle de": compound prepositions, not content.
    'cas regard ' +
    // forms of the auxiliaries and modal verbs, and nouns that only stand for "someone"
    'aient ait avait avaient aura auront aurait auraient serait seraient soient sommes etes ' +
    'va vais vont allons allez aller peux pouvons pouvez pouvoir veut veulent vouloir dois doit ' +
    'doivent devoir faut savoir sait fais faisons faites gens personne personnes chose choses'
  ).split(' '),
);

const EN_FUNCTION_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before ' +
    'being below between both but by can cannot could did do does doing done down during each ' +
    'either every few for from further had has have having he her here hers herself him himself his ' +
    'how i if in into is it its itself just least less let may me might more most must my myself ' +
    'no nor not now of off on once only or other others our ours ourselves out over own per rather ' +
    'same shall she should so some such than that the their theirs them themselves then there ' +
    'these they this those through thus to too under until up upon us very via was we were what ' +
    'when where whether which while who whom whose why will with within without would yet you ' +
    'your yours yourself yourselves ' +
    // contracted and auxiliary forms, and nouns that only stand for "someone"
    'get gets got getting go goes going need needs thing things'
  ).split(' '),
);

// The generic verbs that open most recommendations ("Créer…", "Mettre en place…", "Develop…"):
// they say that something should be done, not what, and two unrelated recommendations starting
// with "Construire" must not look alike. Any workshop writes them; they are stop words here.
const FR_GENERIC_VERBS =
  'accompagner agir ameliorer assurer construire creer developper encourager etablir favoriser ' +
  'garantir lancer mener mettre mise place permettre poursuivre prevoir promouvoir proposer ' +
  'realiser renforcer soutenir veiller';
const EN_GENERIC_VERBS =
  'build create develop encourage ensure establish foster improve launch make promote provide ' +
  'put set start support';
const FR_STOP_WORDS = new Set([...FR_FUNCTION_WORDS, ...FR_GENERIC_VERBS.split(' ')]);
const EN_STOP_WORDS = new Set([...EN_FUNCTION_WORDS, ...EN_GENERIC_VERBS.split(' ')]);

export function isStopWord(word: string, language: Language): boolean {
  return (language === 'fr' ? FR_STOP_WORDS : EN_STOP_WORDS).has(word);
}

/**
 * The language of a text, from its function words (those of one language only); accents break a tie in
 * favour of French. `undefined` when there is no evidence at all (a bare title such as "Wi-Fi").
 */
export function detectLanguage(text: string): Language | undefined {
  return languageOfWords(words(text), text);
}

export function languageOfWords(ws: readonly string[], text: string): Language | undefined {
  let fr = 0;
  let en = 0;
  for (const word of ws) {
    const inFr = FR_FUNCTION_WORDS.has(word);
    const inEn = EN_FUNCTION_WORDS.has(word);
    if (inFr && !inEn) fr++;
    if (inEn && !inFr) en++;
  }
  if (fr > en) return 'fr';
  if (en > fr) return 'en';
  if (/[àâçéèêëîïôûùüÿœ]/i.test(text)) return 'fr';
  return fr + en > 0 ? 'fr' : undefined;
}

// ---------------------------------------------------------------------------------------------
// Stemming: the Snowball stemmers for French and English (snowball-stemmers, a port of the
// reference algorithms). They replaced hand-written suffix rules that had been written while
// reading the demo fixture (docs/suggestions.md has the measure). The French one needs the
// accents (-ité, -é), so it takes the word as written; the stem comes out accent-free.

const STEMMERS = {
  fr: newStemmer('french'),
  en: newStemmer('english'),
};

/** The stem of a lowercase word (accents kept or not), without accents. */
// Stems are asked for again and again (every card, every refresh): kept, up to a bound.
const stemCache = new Map<string, string>();

export function stem(word: string, language: Language): string {
  const key = `${language}:${word}`;
  let s = stemCache.get(key);
  if (s === undefined) {
    if (stemCache.size >= 50_000) stemCache.clear();
    s = stripAccents(STEMMERS[language].stem(word.normalize('NFC')));
    stemCache.set(key, s);
  }
  return s;
}

function stripAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

// Token → [its normalised form, as written]: tokens repeat across cards and calls, and the
// regular expressions below cost more than the lookup. Bounded like the stem cache.
const surfaceCache = new Map<string, readonly [string, string] | null>();

/**
 * Adds to `into` each word of `text` as the card writes it (lowercase, accents kept), keyed by its
 * normalised form: the reasons shown to the facilitator use the card's own spelling.
 */
export function surfaceForms(text: string, into: Map<string, string>): void {
  for (const token of text
    .toLowerCase()
    .normalize('NFC')
    .replace(APOSTROPHES, "'")
    .split(/[^\p{L}\p{N}']+/u)) {
    let entry = surfaceCache.get(token);
    if (entry === undefined) {
      const bare = token
        .replace(/^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)'/u, '')
        .replace(/'s?$/u, '');
      entry =
        bare === '' || bare.includes("'") ? null : [stripAccents(bare).replace(/ß/g, 'ss'), bare];
      if (surfaceCache.size >= 50_000) surfaceCache.clear();
      surfaceCache.set(token, entry);
    }
    if (entry !== null && !into.has(entry[0])) into.set(entry[0], entry[1]);
  }
}
