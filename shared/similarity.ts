// Merge suggestions: which recommendations of different groups say the same thing. Offline and
// deterministic: normalise → stop words → light stemming (FR/EN) → TF-IDF of stems and of
// character 4-grams → cosine → agglomerative clustering that never puts two recommendations of
// one group in a set. Pure: imports nothing, so the server and the client can both run it.
// docs/suggestions.md explains the choices, the measured precision/recall and where it fails.

export type Language = 'fr' | 'en';

export interface SuggestionInput {
  groupId: string;
  id: string;
  title: string;
  body: string;
}

export interface MergeSuggestion {
  /** `<groupId>/<recommendationId>`, at most one per group, sorted. */
  sources: string[];
  /** Mean pairwise similarity of the set, in [0, 1], rounded to 3 decimals. */
  score: number;
}

export interface SuggestOptions {
  /** Smallest linkage at which two sets may merge; higher = fewer, surer suggestions. */
  threshold?: number;
  /** `average` (default): mean similarity between two sets; `complete`: their weakest pair. */
  linkage?: 'average' | 'complete';
  /** Force one language; by default each recommendation's language is detected. */
  language?: Language | 'auto';
  /** How many times a title word counts compared with a body word. */
  titleWeight?: number;
  /** Share of the character 4-gram similarity in the blend (the rest is the stem similarity). */
  charWeight?: number;
  /** Map words to shared concepts (see CONCEPTS); off only to measure what it brings. */
  concepts?: boolean;
}

export const DEFAULT_SUGGEST_OPTIONS: Required<SuggestOptions> = {
  threshold: 0.15,
  linkage: 'average',
  language: 'auto',
  titleWeight: 1.5,
  charWeight: 0.3,
  concepts: true,
};

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

/** The words of a text after normalisation; hyphens and apostrophes separate words. */
export function words(text: string): string[] {
  const normal = normalizeText(text);
  return normal === '' ? [] : normal.split(' ');
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
    'cas regard'
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
    'your yours yourself yourselves'
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

function languageOfWords(ws: readonly string[], text: string): Language | undefined {
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
// Stemming: light, hand-written suffix stripping. The aim is that the forms a workshop actually
// uses (plural, infinitive, participle, the noun of the verb) meet on one stem; an exact
// linguistic root does not matter, and a few unrelated words sharing a stem cost little.

/** [suffix, minimum length of what remains]; the first (longest) match is removed. */
const FR_SUFFIXES: readonly (readonly [string, number])[] = [
  ['issement', 3],
  ['isation', 3],
  ['ablement', 3],
  ['ement', 3],
  ['atrice', 3],
  ['ateur', 3],
  ['ation', 3],
  ['ition', 3],
  ['isent', 3],
  ['ment', 4],
  ['iser', 3],
  ['isee', 3],
  ['isme', 3],
  ['iste', 3],
  ['ique', 3],
  ['iere', 3],
  ['able', 3],
  ['ible', 3],
  ['ance', 3],
  ['ence', 3],
  ['ante', 4],
  ['ente', 4],
  ['euse', 3],
  ['esse', 3],
  ['ise', 4],
  ['ion', 3],
  ['eur', 3],
  ['eux', 3],
  ['ive', 3],
  ['ite', 3],
  ['ant', 4],
  ['ent', 4],
  ['ee', 3],
  ['er', 3],
  ['ez', 3],
  ['ir', 3],
  ['if', 3],
  ['e', 3],
  ['i', 4],
];

/** Removes the first listed suffix that leaves enough of the word; returns [rest, suffix]. */
function stripFirst(
  word: string,
  suffixes: readonly (readonly [string, number])[],
): [string, string] {
  for (const [suffix, min] of suffixes) {
    if (word.endsWith(suffix) && word.length - suffix.length >= min) {
      return [word.slice(0, -suffix.length), suffix];
    }
  }
  return [word, ''];
}

/** After -ité/-ity: vulnérabil-ité → vulnér (as vulnér-able), électric-ité → électr (-ique). */
function afterQuality(w: string): string {
  if (w.endsWith('abil') && w.length >= 7) return w.slice(0, -4);
  if ((w.endsWith('ic') || w.endsWith('iv')) && w.length >= 5) return w.slice(0, -2);
  return w;
}

/** French: plural, one derivational or verbal suffix, then the leftovers (-ité, -i, double n/l/t). */
export function stemFrench(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  // Plural: -eaux → -eau, -aux → -al (locaux → local), -eux is singular too, else -s/-x.
  if (w.endsWith('eaux')) w = w.slice(0, -1);
  else if (w.endsWith('aux') && w.length > 4) w = w.slice(0, -3) + 'al';
  else if (!w.endsWith('eux') && (w.endsWith('x') || (w.endsWith('s') && !w.endsWith('ss')))) {
    w = w.slice(0, -1);
  }
  const [rest, suffix] = stripFirst(w, FR_SUFFIXES);
  w = suffix === 'ite' ? afterQuality(rest) : rest;
  // cartographi-e / cartographi-er / identifi-é: the -i- left by -ie and -ier verbs goes too.
  if (w.endsWith('i') && w.length >= 5) w = w.slice(0, -1);
  // citoyenn-e / citoyen, nouvell-e / nouvel, personn-e / person: a doubled final consonant.
  if (/(ll|nn|tt)$/.test(w) && w.length >= 5) w = w.slice(0, -1);
  return w;
}

const EN_INFLECTIONS: readonly (readonly [string, number])[] = [
  ['ing', 3],
  ['ed', 3],
];

const EN_SUFFIXES: readonly (readonly [string, number])[] = [
  ['ational', 3],
  ['ization', 3],
  ['isation', 3],
  ['fulness', 3],
  ['iveness', 3],
  ['ation', 4],
  ['ement', 3],
  ['ment', 4],
  ['ness', 3],
  ['ance', 3],
  ['ence', 3],
  ['able', 3],
  ['ible', 3],
  ['ity', 3],
  ['ive', 3],
  ['ful', 3],
  ['ous', 3],
  ['ion', 4],
  ['ism', 3],
  ['ist', 3],
  ['ize', 3],
  ['ise', 4],
  ['ate', 4],
  ['ant', 4],
  ['ent', 4],
  ['al', 4],
  ['er', 4],
  ['or', 4],
  ['ly', 4],
  ['ic', 4],
];

/** English, Porter-lite: plural, -ing/-ed, one derivational suffix, final -e, double consonant. */
export function stemEnglish(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  w = stripFirst(w, EN_INFLECTIONS)[0];
  const [rest, suffix] = stripFirst(w, EN_SUFFIXES);
  w = suffix === 'ity' ? afterQuality(rest) : rest;
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('y') && w.length > 3) w = w.slice(0, -1) + 'i';
  return w;
}

export function stem(word: string, language: Language): string {
  return language === 'fr' ? stemFrench(word) : stemEnglish(word);
}

// ---------------------------------------------------------------------------------------------
// Concepts: a small, generic thesaurus of local-government and resilience vocabulary, so that
// words people use interchangeably in such workshops meet (élu/décideur, habitant/citoyen,
// canicule/chaleur). Keys are stems (after stemFrench/stemEnglish); a word in a concept adds the
// concept as an extra term, it does not replace the word. Kept short on purpose: every entry is
// a synonymy any facilitator would grant, not a bridge between two sentences of the fixture.

const CONCEPTS: Readonly<Record<string, readonly string[]>> = {
  // people who live in the territory
  '#resident': ['habit', 'citoyen', 'popul', 'resid', 'citizen', 'inhabit'],
  // people who decide
  '#decider': ['elu', 'decid', 'mair', 'offici', 'councill', 'mayor'],
  // heat waves
  '#heat': ['canicul', 'chal', 'heat', 'heatwav'],
  // weakness, exposure
  '#weak': ['vulner', 'fragil', 'faibl', 'weak'],
  // to teach, to raise awareness
  '#train': ['form', 'sensibil', 'accultur', 'train', 'teach', 'awar'],
  // drills
  '#drill': ['exercic', 'exerc', 'simul', 'drill'],
  // cool places
  '#cool': ['fraich', 'frai', 'rafraich', 'cool'],
  // volunteers
  '#volunteer': ['benevol', 'volontair', 'volunt'],
};

const CONCEPT_OF = new Map<string, string>();
for (const [concept, stems] of Object.entries(CONCEPTS)) {
  for (const s of stems) CONCEPT_OF.set(s, concept);
}

// ---------------------------------------------------------------------------------------------
// Terms and vectors

function contentTerms(
  ws: readonly string[],
  language: Language,
  withConcepts: boolean,
  stems: Map<string, string>,
): string[] {
  const out: string[] = [];
  for (const word of ws) {
    if (word.length < 2 || isStopWord(word, language) || /^\d+$/.test(word)) continue;
    let s = stems.get(word);
    if (s === undefined) {
      s = stem(word, language);
      stems.set(word, s);
    }
    out.push(s);
    const concept = withConcepts ? CONCEPT_OF.get(s) : undefined;
    if (concept !== undefined) out.push(concept);
  }
  return out;
}

/** The content terms of a text: stems without stop words, plus the concepts they evoke. */
export function terms(text: string, language: Language, withConcepts = true): string[] {
  return contentTerms(words(text), language, withConcepts, new Map());
}

/**
 * Character 4-grams of the content words, word boundaries marked (`_fra`, `eur_`): they catch
 * what the stemmer misses (fraîcheur/rafraîchis, perméables/désimperméabiliser, heat waves/
 * heatwaves) at the price of some noise, hence their smaller share of the blend.
 */
function charGrams(ws: readonly string[], language: Language): string[] {
  const out: string[] = [];
  for (const word of ws) {
    if (word.length < 3 || isStopWord(word, language)) continue;
    const padded = `_${word}_`;
    for (let i = 0; i + 4 <= padded.length; i++) out.push(padded.slice(i, i + 4));
  }
  return out;
}

/** A sparse vector: term ids with their weights; unit length (or empty). */
interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

/**
 * TF-IDF vectors of weighted term bags: tf = title count × titleWeight + body count, damped as
 * 1 + ln(tf); smoothed idf = 1 + ln((N + 1) / (df + 1)); then L2-normalised so a dot is a cosine.
 */
function tfidf(bags: readonly Map<string, number>[]): { vectors: SparseVector[]; size: number } {
  const ids = new Map<string, number>();
  const df: number[] = [];
  for (const bag of bags) {
    for (const term of bag.keys()) {
      const id = ids.get(term);
      if (id === undefined) {
        ids.set(term, df.length);
        df.push(1);
      } else df[id] = df[id]! + 1;
    }
  }
  const n = bags.length;
  const vectors = bags.map((bag) => {
    const v: SparseVector = {
      ids: new Int32Array(bag.size),
      weights: new Float64Array(bag.size),
    };
    let k = 0;
    let norm = 0;
    for (const [term, tf] of bag) {
      const id = ids.get(term)!;
      const w = (1 + Math.log(tf)) * (1 + Math.log((n + 1) / (df[id]! + 1)));
      v.ids[k] = id;
      v.weights[k++] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.weights.length; i++) v.weights[i] = v.weights[i]! / norm;
    return v;
  });
  return { vectors, size: ids.size };
}

function bagOf(title: readonly string[], body: readonly string[], titleWeight: number) {
  const bag = new Map<string, number>();
  for (const t of title) bag.set(t, (bag.get(t) ?? 0) + titleWeight);
  for (const t of body) bag.set(t, (bag.get(t) ?? 0) + 1);
  return bag;
}

/** Resolves the language of every recommendation: forced, detected, or the majority's. */
function languagesOf(
  recs: readonly SuggestionInput[],
  texts: readonly { title: string[]; body: string[] }[],
  option: Language | 'auto',
): Language[] {
  if (option !== 'auto') return recs.map(() => option);
  const detected = recs.map((r, i) =>
    languageOfWords([...texts[i]!.title, ...texts[i]!.body], `${r.title} ${r.body}`),
  );
  const fr = detected.filter((l) => l === 'fr').length;
  const en = detected.filter((l) => l === 'en').length;
  const fallback: Language = en > fr ? 'en' : 'fr';
  return detected.map((l) => l ?? fallback);
}

/**
 * All pairwise similarities of `recs`, in [0, 1]: cosine of the stem TF-IDF vectors blended with
 * the cosine of the character 4-gram TF-IDF vectors. IDF is computed over `recs` (the workshop is
 * the corpus). `(i, j)` are indices into `recs`; `(i, i)` is 1.
 * Cost: n² sparse dots, each over the terms of one text (the other is scattered into a dense
 * row); memory: the upper triangle, 4·n² bytes (1 MB for 500 recommendations).
 */
export function similarityMatrix(
  recs: readonly SuggestionInput[],
  options: SuggestOptions = {},
): (i: number, j: number) => number {
  const o = { ...DEFAULT_SUGGEST_OPTIONS, ...options };
  const n = recs.length;
  const texts = recs.map((r) => ({ title: words(r.title), body: words(r.body) }));
  const languages = languagesOf(recs, texts, o.language);
  const stems = new Map<string, string>();
  const stemBags: Map<string, number>[] = [];
  const gramBags: Map<string, number>[] = [];
  texts.forEach(({ title, body }, i) => {
    const lang = languages[i] ?? 'fr';
    stemBags.push(
      bagOf(
        contentTerms(title, lang, o.concepts, stems),
        contentTerms(body, lang, o.concepts, stems),
        o.titleWeight,
      ),
    );
    gramBags.push(bagOf(charGrams(title, lang), charGrams(body, lang), o.titleWeight));
  });
  const kinds = [{ weight: 1 - o.charWeight, ...tfidf(stemBags) }];
  if (o.charWeight > 0) kinds.push({ weight: o.charWeight, ...tfidf(gramBags) });

  const upper = new Float64Array((n * (n - 1)) / 2);
  const rowStart = (i: number) => (i * (2 * n - i - 1)) / 2;
  for (const { weight, vectors, size } of kinds) {
    const row = new Float64Array(size);
    for (let i = 0; i < n; i++) {
      const a = vectors[i]!;
      for (let k = 0; k < a.ids.length; k++) row[a.ids[k]!] = a.weights[k]!;
      const start = rowStart(i) - i - 1;
      for (let j = i + 1; j < n; j++) {
        const b = vectors[j]!;
        let sum = 0;
        for (let k = 0; k < b.ids.length; k++) sum += row[b.ids[k]!]! * b.weights[k]!;
        upper[start + j] = upper[start + j]! + weight * sum;
      }
      for (let k = 0; k < a.ids.length; k++) row[a.ids[k]!] = 0;
    }
  }
  return (i, j) => {
    if (i === j) return 1;
    const [x, y] = i < j ? [i, j] : [j, i];
    return upper[rowStart(x) + y - x - 1] ?? 0;
  };
}

// ---------------------------------------------------------------------------------------------
// Clustering

export const sourceOf = (rec: Pick<SuggestionInput, 'groupId' | 'id'>): string =>
  `${rec.groupId}/${rec.id}`;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sets of recommendations from different groups that probably say the same thing, best first.
 * Agglomerative: start from singletons, repeatedly merge the two sets with the highest linkage
 * whose groups are disjoint, stop when no such pair reaches the threshold. Each recommendation is
 * in at most one set; singletons are not returned. The result does not depend on input order.
 *
 * Only set pairs joined by at least one pair of recommendations at or above the threshold are
 * tracked: neither the mean nor the minimum of a set pair can reach the threshold otherwise, and
 * after a merge the new set's valid neighbours are among the old sets' neighbours. Cost: the n²
 * similarity pass, then merges × tracked pairs.
 */
export function suggestMerges(
  input: readonly SuggestionInput[],
  options: SuggestOptions = {},
): MergeSuggestion[] {
  const o = { ...DEFAULT_SUGGEST_OPTIONS, ...options };
  const recs = [...input].sort(
    (a, b) => compareStrings(a.groupId, b.groupId) || compareStrings(a.id, b.id),
  );
  const n = recs.length;
  if (n < 2) return [];
  const sim = similarityMatrix(recs, o);

  // A set is named by its smallest member index (recs are sorted, so names are order-free).
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const groupsOf: Set<string>[] = recs.map((r) => new Set([r.groupId]));
  const disjoint = (a: number, b: number): boolean => {
    for (const g of groupsOf[a]!) if (groupsOf[b]!.has(g)) return false;
    return true;
  };
  const linkage = (a: number, b: number): number => {
    let total = 0;
    let min = Infinity;
    for (const x of members[a]!) {
      for (const y of members[b]!) {
        const s = sim(x, y);
        total += s;
        if (s < min) min = s;
      }
    }
    return o.linkage === 'complete' ? min : total / (members[a]!.length * members[b]!.length);
  };

  // Mergeable set pairs (disjoint groups, linkage ≥ threshold), keyed a·n + b with a < b.
  const links = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (recs[i]!.groupId !== recs[j]!.groupId && sim(i, j) >= o.threshold) {
        links.set(i * n + j, sim(i, j));
      }
    }
  }

  while (links.size > 0) {
    let bestKey = -1;
    let bestValue = -Infinity;
    for (const [key, value] of links) {
      // Ties go to the smallest key: deterministic whatever the map's insertion history.
      if (value > bestValue || (value === bestValue && key < bestKey)) {
        bestKey = key;
        bestValue = value;
      }
    }
    const a = Math.floor(bestKey / n);
    const b = bestKey % n;
    const neighbours = new Set<number>();
    for (const key of [...links.keys()]) {
      const x = Math.floor(key / n);
      const y = key % n;
      if (x === a || x === b || y === a || y === b) {
        links.delete(key);
        const other = x === a || x === b ? y : x;
        if (other !== a && other !== b) neighbours.add(other);
      }
    }
    members[a] = [...members[a]!, ...members[b]!].sort((x, y) => x - y);
    members[b] = [];
    for (const g of groupsOf[b]!) groupsOf[a]!.add(g);
    groupsOf[b]!.clear();
    for (const c of neighbours) {
      if (!disjoint(a, c)) continue;
      const value = linkage(a, c);
      if (value >= o.threshold) links.set(Math.min(a, c) * n + Math.max(a, c), value);
    }
  }

  const suggestions: MergeSuggestion[] = [];
  for (const set of members) {
    if (set.length < 2) continue;
    let total = 0;
    let pairs = 0;
    for (let x = 0; x < set.length; x++) {
      for (let y = x + 1; y < set.length; y++) {
        total += sim(set[x]!, set[y]!);
        pairs++;
      }
    }
    suggestions.push({
      sources: set.map((i) => sourceOf(recs[i]!)).sort(compareStrings),
      score: Math.round((total / pairs) * 1000) / 1000,
    });
  }
  return suggestions.sort(
    (x, y) =>
      y.score - x.score ||
      y.sources.length - x.sources.length ||
      compareStrings(x.sources[0]!, y.sources[0]!),
  );
}

// ---------------------------------------------------------------------------------------------
// Evaluation (used by the unit tests and scripts/eval-suggestions.ts)

export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  /** Pairs suggested together that the truth keeps apart. */
  falsePositives: [string, string][];
  /** Pairs the truth puts together that no suggestion does. */
  falseNegatives: [string, string][];
}

function pairsOf(sets: readonly (readonly string[])[]): Set<string> {
  const pairs = new Set<string>();
  for (const set of sets) {
    const sorted = [...set].sort(compareStrings);
    for (let x = 0; x < sorted.length; x++) {
      for (let y = x + 1; y < sorted.length; y++) pairs.add(`${sorted[x]}\n${sorted[y]}`);
    }
  }
  return pairs;
}

/**
 * Pairwise precision and recall: a pair is two sources in one suggested set (predicted) or in one
 * true cluster (expected). Empty predictions have precision 1; an empty truth has recall 1.
 *
 * Suggestions hold at most one recommendation per group (the source's `<groupId>/` prefix), so
 * when a group wrote the same thing twice the truth holds two of its cards in one cluster: either
 * of them paired with another group's card is right, and a cluster counts as many expected pairs
 * as its distinct groups allow (g groups: g(g−1)/2). With one card per group this is plain
 * pairwise precision and recall.
 */
export function pairwiseScores(
  suggested: readonly (readonly string[])[],
  truth: readonly (readonly string[])[],
): PairwiseScores {
  const predicted = pairsOf(suggested);
  const groupOf = (source: string) => source.split('/')[0]!;
  const clusterOf = new Map<string, number>();
  let reachable = 0;
  truth.forEach((cluster, c) => {
    for (const source of cluster) clusterOf.set(source, c);
    const groups = new Set(cluster.map(groupOf)).size;
    reachable += (groups * (groups - 1)) / 2;
  });
  const split = (pair: string) => pair.split('\n') as [string, string];
  const hits = new Map<number, number>();
  const falsePositives: [string, string][] = [];
  for (const pair of predicted) {
    const [a, b] = split(pair);
    const c = clusterOf.get(a);
    if (c !== undefined && c === clusterOf.get(b)) hits.set(c, (hits.get(c) ?? 0) + 1);
    else falsePositives.push([a, b]);
  }
  let tp = 0;
  for (const [c, n] of hits) {
    const groups = new Set(truth[c]!.map(groupOf)).size;
    tp += Math.min(n, (groups * (groups - 1)) / 2);
  }
  const precision =
    predicted.size === 0 ? 1 : (predicted.size - falsePositives.length) / predicted.size;
  const recall = reachable === 0 ? 1 : tp / reachable;
  const expected = [...pairsOf(truth)].map(split).filter(([a, b]) => groupOf(a) !== groupOf(b));
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    truePositives: tp,
    falsePositives,
    falseNegatives: expected.filter(([a, b]) => !predicted.has(`${a}\n${b}`)),
  };
}
