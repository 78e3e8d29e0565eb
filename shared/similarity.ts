// Merge suggestions: which recommendations of different groups say the same thing, and why.
// Offline and deterministic: normalise → stop words → stemming (FR/EN) → general-vocabulary
// concepts → TF-IDF of stems and of character 3–5-grams → cosine → agglomerative clustering that
// never puts two recommendations of one group in a set → the shared words of each set.
// Pure and isomorphic (its one dependency, the Snowball stemmers, is plain JavaScript).
// docs/suggestions.md explains the choices, the measured precision/recall and where it fails.
import { recommendationTargetId } from './ids.js';
import { conceptsOf } from './similarity/concepts.js';
import {
  isStopWord,
  languageOfWords,
  stem,
  surfaceForms,
  words,
  type Language,
} from './similarity/text.js';

export {
  detectLanguage,
  isStopWord,
  normalizeText,
  stem,
  words,
  type Language,
} from './similarity/text.js';
export { pairwiseScores, type PairwiseScores } from './similarity/evaluate.js';

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
  /**
   * Why: the words the cards share, most telling first, as the cards spell them ("vélo", "gare");
   * two different words that mean the same thing read "consigne ≈ abri". At most four.
   */
  reasons: string[];
}

export interface SuggestOptions {
  /** Smallest linkage at which two sets may merge; higher = fewer, surer suggestions. */
  threshold?: number;
  /** `complete` (default): two sets merge on their weakest pair; `average`: on the mean. */
  linkage?: 'average' | 'complete';
  /** Force one language; by default each recommendation's language is detected. */
  language?: Language | 'auto';
  /** How many times a title word counts compared with a body word. */
  titleWeight?: number;
  /** Share of the character n-gram similarity in the blend (the rest is the stem similarity). */
  charWeight?: number;
  /** Map words to general-vocabulary concepts (similarity/concepts.ts); off to measure it. */
  concepts?: boolean;
}

export const DEFAULT_SUGGEST_OPTIONS: Required<SuggestOptions> = {
  threshold: 0.12,
  linkage: 'complete',
  language: 'auto',
  titleWeight: 1.5,
  charWeight: 0,
  concepts: true,
};

const MAX_REASONS = 4;

// ---------------------------------------------------------------------------------------------
// Terms and vectors

/** One card, analysed: its weighted terms (stems and `#concepts`) and character n-grams. */
interface Analysed {
  terms: Map<string, number>;
  /** Character n-grams as 53-bit hashes: hundreds per card, so no string is made for them. */
  grams: Map<number, number>;
  /** Term → the card's word for it (as written) and that word's stem. */
  shown: Map<string, { word: string; stem: string }>;
}

/**
 * The character 3–5-grams of a word with its boundaries marked (`_vé`, `los_`), each hashed to a
 * 53-bit number (two 32-bit multiplicative hashes): they catch what the stemmer misses
 * (compounds, misspellings, covoiturage/voiture) at the price of noise. A collision would need
 * two different grams of one workshop to agree on 53 bits.
 */
function gramHashes(word: string): number[] {
  const out: number[] = [];
  const length = word.length + 2;
  const BOUNDARY = 95; // '_': never in a word (words are letters and digits)
  for (let i = 0; i + 3 <= length; i++) {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let k = 0; k < 5 && i + k < length; k++) {
      const at = i + k;
      const c = at === 0 || at === length - 1 ? BOUNDARY : word.charCodeAt(at - 1);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
      if (k >= 2) out.push((h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff));
    }
  }
  return out;
}

/** What one word of one language brings to a card; computed once per workshop and word. */
interface WordInfo {
  stem: string;
  concepts: readonly string[];
  grams: readonly number[];
}

function analyse(
  title: readonly string[],
  body: readonly string[],
  text: string,
  language: Language,
  o: Required<SuggestOptions>,
  cache: Map<string, WordInfo | null>,
): Analysed {
  const surface = new Map<string, string>();
  surfaceForms(text, surface);
  const a: Analysed = { terms: new Map(), grams: new Map(), shown: new Map() };
  for (const [ws, weight] of [
    [title, o.titleWeight],
    [body, 1],
  ] as const) {
    for (const word of ws) {
      const written = surface.get(word) ?? word;
      const key = `${language}:${word}:${written}`;
      let info = cache.get(key);
      if (info === undefined) {
        if (word.length < 2 || isStopWord(word, language) || /^\d+$/.test(word)) info = null;
        else {
          const s = stem(written, language);
          info = {
            stem: s,
            concepts: o.concepts ? conceptsOf(s, language) : [],
            grams: o.charWeight > 0 && word.length >= 3 ? gramHashes(word) : [],
          };
        }
        cache.set(key, info);
      }
      if (info === null) continue;
      // A word of a concept stands for its concept, so synonyms weigh as much as a shared word.
      if (info.concepts.length === 0)
        a.terms.set(info.stem, (a.terms.get(info.stem) ?? 0) + weight);
      const shown = { word: written, stem: info.stem };
      if (!a.shown.has(info.stem)) a.shown.set(info.stem, shown);
      for (const concept of info.concepts) {
        a.terms.set(concept, (a.terms.get(concept) ?? 0) + weight);
        if (!a.shown.has(concept)) a.shown.set(concept, shown);
      }
      for (const g of info.grams) a.grams.set(g, (a.grams.get(g) ?? 0) + weight);
    }
  }
  return a;
}

/** A sparse vector: term ids with their weights; unit length (or empty). */
interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

/**
 * TF-IDF vectors of weighted term bags: tf damped as 1 + ln(tf) (tf < 1 kept linear); smoothed
 * idf = 1 + ln((N + 1) / (df + 1)); L2-normalised so a dot is a cosine. Also returns each term's
 * idf, which ranks the reasons.
 */
function tfidf<K>(bags: readonly Map<K, number>[]) {
  const ids = new Map<K, number>();
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
  const idf = df.map((d) => 1 + Math.log((n + 1) / (d + 1)));
  const vectors = bags.map((bag) => {
    const v: SparseVector = { ids: new Int32Array(bag.size), weights: new Float64Array(bag.size) };
    let k = 0;
    let norm = 0;
    for (const [term, tf] of bag) {
      const id = ids.get(term)!;
      const w = (tf >= 1 ? 1 + Math.log(tf) : tf) * idf[id]!;
      v.ids[k] = id;
      v.weights[k++] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.weights.length; i++) v.weights[i] = v.weights[i]! / norm;
    return v;
  });
  return { vectors, size: ids.size, idf: (term: K) => idf[ids.get(term) ?? -1] ?? 0 };
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

interface Model {
  sim: (i: number, j: number) => number;
  /** The pairs of cards of different groups at or above the threshold: i < j, flat. */
  close: { i: number[]; j: number[]; sim: number[] };
  analysed: Analysed[];
  idf: (term: string) => number;
}

/**
 * Pairwise similarities of `recs`, in [0, 1]: cosine of the stem (+ concept) TF-IDF vectors
 * blended with the cosine of the character n-gram TF-IDF vectors. IDF is computed over `recs`
 * (the workshop is the corpus). The stem cosines come from an inverted index (only pairs that
 * share a term cost anything); the n-gram cosines (hundreds of grams per card) only for pairs of
 * different groups whose stem part leaves the threshold within reach, and for any other pair on
 * demand (a set's linkage and score may ask for it). Memory: the upper triangle, 8·n²/2 bytes
 * (1 MB for 500).
 */
function model(recs: readonly SuggestionInput[], o: Required<SuggestOptions>): Model {
  const n = recs.length;
  const texts = recs.map((r) => ({ title: words(r.title), body: words(r.body) }));
  const languages = languagesOf(recs, texts, o.language);
  const cache = new Map<string, WordInfo | null>();
  const analysed = texts.map(({ title, body }, i) =>
    analyse(title, body, `${recs[i]!.title} ${recs[i]!.body}`, languages[i]!, o, cache),
  );
  const termModel = tfidf(analysed.map((a) => a.terms));
  const termWeight = 1 - o.charWeight;
  const upper = new Float64Array((n * (n - 1)) / 2);
  const at = (i: number, j: number) =>
    i < j ? (i * (2 * n - i - 1)) / 2 + j - i - 1 : (j * (2 * n - j - 1)) / 2 + i - j - 1;

  // Postings: term id → the cards holding it (ascending) and their weights.
  const postings: { cards: number[]; weights: number[] }[] = Array.from(
    { length: termModel.size },
    () => ({ cards: [], weights: [] }),
  );
  termModel.vectors.forEach((v, card) => {
    for (let k = 0; k < v.ids.length; k++) {
      const p = postings[v.ids[k]!]!;
      p.cards.push(card);
      p.weights.push(v.weights[k]!);
    }
  });

  const grams = o.charWeight > 0 ? tfidf(analysed.map((a) => a.grams)) : undefined;
  const row = new Float64Array(grams?.size ?? 0);
  const done = new Uint8Array(grams ? upper.length : 0);
  const scatter = (i: number, on: boolean) => {
    const a = grams!.vectors[i]!;
    for (let k = 0; k < a.ids.length; k++) row[a.ids[k]!] = on ? a.weights[k]! : 0;
  };
  /** Adds the n-gram part of (i, j), i's grams being scattered in `row`. */
  const addGrams = (j: number, index: number) => {
    const b = grams!.vectors[j]!;
    let sum = 0;
    for (let k = 0; k < b.ids.length; k++) sum += row[b.ids[k]!]! * b.weights[k]!;
    upper[index] = upper[index]! + o.charWeight * sum;
    done[index] = 1;
  };

  const close: Model['close'] = { i: [], j: [], sim: [] };
  // An n-gram cosine is at most 1: below this stem part, a pair cannot reach the threshold.
  const reachable = o.threshold - o.charWeight * (1 + 1e-9);
  const acc = new Float64Array(n);
  const touched: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = termModel.vectors[i]!;
    for (let k = 0; k < a.ids.length; k++) {
      const p = postings[a.ids[k]!]!;
      const w = a.weights[k]!;
      for (let q = p.cards.length - 1; q >= 0 && p.cards[q]! > i; q--) {
        const j = p.cards[q]!;
        if (acc[j] === 0) touched.push(j);
        acc[j] = acc[j]! + w * p.weights[q]!;
      }
    }
    if (reachable <= 0) {
      // A threshold within the n-gram share: a pair sharing no term may still reach it.
      touched.length = 0;
      for (let j = i + 1; j < n; j++) touched.push(j);
    } else touched.sort((x, y) => x - y);
    if (grams) scatter(i, true);
    for (const j of touched) {
      const index = at(i, j);
      upper[index] = termWeight * acc[j]!;
      acc[j] = 0;
      if (recs[i]!.groupId === recs[j]!.groupId || upper[index]! < reachable) continue;
      if (grams) addGrams(j, index);
      if (upper[index]! >= o.threshold) {
        close.i.push(i);
        close.j.push(j);
        close.sim.push(upper[index]!);
      }
    }
    if (grams) scatter(i, false);
    touched.length = 0;
  }

  const sim = (i: number, j: number): number => {
    if (i === j) return 1;
    const index = at(i, j);
    if (grams && done[index] === 0) {
      const [x, y] = i < j ? [i, j] : [j, i];
      scatter(x, true);
      addGrams(y, index);
      scatter(x, false);
    }
    return upper[index]!;
  };
  return { sim, close, analysed, idf: termModel.idf };
}

/** All pairwise similarities of `recs` (see `model`); `(i, j)` are indices into `recs`. */
export function similarityMatrix(
  recs: readonly SuggestionInput[],
  options: SuggestOptions = {},
): (i: number, j: number) => number {
  return model(recs, { ...DEFAULT_SUGGEST_OPTIONS, ...options }).sim;
}

/** The content terms of a text: stems without stop words, plus the concepts they evoke. */
export function terms(text: string, language: Language, withConcepts = true): string[] {
  const out: string[] = [];
  const surface = new Map<string, string>();
  surfaceForms(text, surface);
  for (const word of words(text)) {
    if (word.length < 2 || isStopWord(word, language) || /^\d+$/.test(word)) continue;
    const s = stem(surface.get(word) ?? word, language);
    out.push(s);
    if (withConcepts) out.push(...conceptsOf(s, language));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reasons

/**
 * The terms a set shares, best first: those in at least two of its cards, ranked by idf × the
 * number of cards holding them. A stem reads as the first card's word for it; a concept reached
 * by different words reads "a ≈ b" (a concept reached by one stem is that stem's reason already).
 */
function reasonsOf(set: readonly number[], m: Model): string[] {
  const holders = new Map<string, number[]>();
  for (const i of set) {
    for (const term of m.analysed[i]!.terms.keys()) {
      const cards = holders.get(term);
      if (cards === undefined) holders.set(term, [i]);
      else cards.push(i);
    }
  }
  const ranked = [...holders]
    .filter(([, cards]) => cards.length >= 2)
    .map(([term, cards]) => ({ term, cards, weight: m.idf(term) * cards.length }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const { term, cards } of ranked) {
    // Two cards may say it with different words: "consigne ≈ abri".
    const byStem = new Map<string, string>();
    for (const i of cards) {
      const { word, stem } = m.analysed[i]!.shown.get(term)!;
      if (!byStem.has(stem)) byStem.set(stem, word);
    }
    const reason = [...byStem.values()].slice(0, 2).join(' ≈ ');
    if (seen.has(reason)) continue;
    seen.add(reason);
    out.push(reason);
    if (out.length === MAX_REASONS) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Clustering

/** A binary max-heap of (value, key), ties to the smaller key. */
class MaxHeap {
  private values: number[] = [];
  private keys: number[] = [];
  private above(i: number, j: number): boolean {
    const vi = this.values[i]!;
    const vj = this.values[j]!;
    return vi > vj || (vi === vj && this.keys[i]! < this.keys[j]!);
  }
  private swap(i: number, j: number) {
    [this.values[i], this.values[j]] = [this.values[j]!, this.values[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }
  push(value: number, key: number) {
    this.values.push(value);
    this.keys.push(key);
    for (let i = this.values.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): { value: number; key: number } | undefined {
    if (this.values.length === 0) return undefined;
    const top = { value: this.values[0]!, key: this.keys[0]! };
    const last = this.values.length - 1;
    this.swap(0, last);
    this.values.pop();
    this.keys.pop();
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < last && this.above(l, best)) best = l;
      if (r < last && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}

export const sourceOf = (rec: Pick<SuggestionInput, 'groupId' | 'id'>): string =>
  recommendationTargetId(rec.groupId, rec.id);

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sets of recommendations from different groups that probably say the same thing, best first,
 * each with the words that make it. Agglomerative: start from singletons, repeatedly merge the
 * two sets with the highest linkage whose groups are disjoint, stop when no such pair reaches the
 * threshold. Each recommendation is in at most one set; singletons are not returned. The result
 * does not depend on input order.
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
  const m = model(recs, o);
  const sim = m.sim;

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

  // Mergeable set pairs (disjoint groups, linkage ≥ threshold): each set's neighbours with their
  // linkage, and a max-heap of candidate merges (best linkage first, ties to the smallest a·n + b)
  // whose stale entries are skipped when they surface.
  const neighbours: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const heap = new MaxHeap();
  const link = (x: number, y: number, value: number) => {
    const [a, b] = x < y ? [x, y] : [y, x];
    neighbours[a]!.set(b, value);
    neighbours[b]!.set(a, value);
    heap.push(value, a * n + b);
  };
  for (let k = 0; k < m.close.i.length; k++) link(m.close.i[k]!, m.close.j[k]!, m.close.sim[k]!);

  for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
    const a = Math.floor(top.key / n);
    const b = top.key % n;
    if (neighbours[a]!.get(b) !== top.value) continue; // stale: a or b merged since
    const around = new Set<number>();
    for (const x of [a, b]) {
      for (const c of neighbours[x]!.keys()) {
        neighbours[c]!.delete(x);
        if (c !== a && c !== b) around.add(c);
      }
      neighbours[x]!.clear();
    }
    members[a] = [...members[a]!, ...members[b]!].sort((x, y) => x - y);
    members[b] = [];
    for (const g of groupsOf[b]!) groupsOf[a]!.add(g);
    groupsOf[b]!.clear();
    for (const c of [...around].sort((x, y) => x - y)) {
      if (!disjoint(a, c)) continue;
      const value = linkage(a, c);
      if (value >= o.threshold) link(a, c, value);
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
      reasons: reasonsOf(set, m),
    });
  }
  return suggestions.sort(
    (x, y) =>
      y.score - x.score ||
      y.sources.length - x.sources.length ||
      compareStrings(x.sources[0]!, y.sources[0]!),
  );
}
