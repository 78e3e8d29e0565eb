// Measures the merge-suggestion engine (shared/similarity.ts) on the hand-written evaluation
// corpus (tests/fixtures/suggestions: a dev split to tune on, a test split to report) and on the
// demo fixture: pairwise precision, recall and F1 per split and language, per workshop.
// Run: npm run eval:suggestions [-- --sweep] [-- --errors dev|test|fixture] [-- --json]
//   --sweep   threshold sweep and ablations, on the dev split only (tuning never looks at test)
//   --errors  the false positives and misses of one split, with their titles and reasons
//   --split dev  print the dev split alone (while tuning, the test split stays unseen)
//   --ablations  what each part brings, per split and language, at the default threshold, and
//                the baseline of issue 13 (a report: reading it on test must not feed back into tuning)
//   --audit   the corpus's hardness: how many true pairs share no content stem at all (no lexical
//             method can find them), per split and language; add --list to see them
import { parseArgs } from 'node:util';
import {
  DEFAULT_SUGGEST_OPTIONS,
  pairwiseScores,
  sourceOf,
  suggestMerges,
  terms,
  type Language,
  type SuggestOptions,
} from '../shared/similarity.js';
import {
  loadFixture,
  loadSplit,
  type LabelledWorkshop,
} from '../tests/fixtures/suggestions/corpus.js';

const { values: args } = parseArgs({
  options: {
    sweep: { type: 'boolean', default: false },
    errors: { type: 'string' },
    json: { type: 'boolean', default: false },
    split: { type: 'string' },
    ablations: { type: 'boolean', default: false },
    audit: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});

/**
 * The baseline issue 13 names: stemmed word TF-IDF (Snowball, stop words) blended with character
 * 3–5-gram TF-IDF, complete linkage, one card per group, no concept table. Blend weight and
 * threshold chosen on dev (best dev F1 over weights 0.1–0.6 and thresholds 0.06–0.50).
 */
const BASELINE: SuggestOptions = { concepts: false, charWeight: 0.1, threshold: 0.14 };

const dev = loadSplit('dev');
const test = loadSplit('test');
const fixture = loadFixture();

interface Tally {
  predicted: number;
  correct: number;
  tp: number;
  expected: number;
}

/** Scores one workshop as the API does (each card's language detected). */
function run(w: LabelledWorkshop, options: SuggestOptions) {
  const suggestions = suggestMerges(w.recs, { language: 'auto', ...options });
  const scores = pairwiseScores(
    suggestions.map((s) => s.sources),
    w.truth,
  );
  const predicted = suggestions.reduce(
    (n, s) => n + (s.sources.length * (s.sources.length - 1)) / 2,
    0,
  );
  const expected = scores.recall === 0 ? countReachable(w) : scores.truePositives / scores.recall;
  const tally: Tally = {
    predicted,
    correct: predicted - scores.falsePositives.length,
    tp: scores.truePositives,
    expected: Math.round(expected),
  };
  return { suggestions, scores, tally };
}

function countReachable(w: LabelledWorkshop): number {
  return w.truth.reduce((n, c) => {
    const g = new Set(c.map((s) => s.split('/')[0])).size;
    return n + (g * (g - 1)) / 2;
  }, 0);
}

/** Micro-averaged over the workshops: every pair of every workshop weighs the same. */
function pool(workshops: readonly LabelledWorkshop[], options: SuggestOptions) {
  const sum: Tally = { predicted: 0, correct: 0, tp: 0, expected: 0 };
  for (const w of workshops) {
    const { tally } = run(w, options);
    sum.predicted += tally.predicted;
    sum.correct += tally.correct;
    sum.tp += tally.tp;
    sum.expected += tally.expected;
  }
  const precision = sum.predicted === 0 ? 1 : sum.correct / sum.predicted;
  const recall = sum.expected === 0 ? 1 : sum.tp / sum.expected;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, ...sum };
}

const f3 = (x: number) => x.toFixed(3);
const line = (label: string, r: ReturnType<typeof pool>) =>
  `${label.padEnd(34)}${f3(r.precision).padEnd(11)}${f3(r.recall).padEnd(8)}${f3(r.f1).padEnd(7)}` +
  `${`${r.correct}/${r.predicted}`.padEnd(11)}${r.tp}/${r.expected}`;

const byLanguage = (ws: readonly LabelledWorkshop[], language: string) =>
  ws.filter((w) => w.language === language);

const o = DEFAULT_SUGGEST_OPTIONS;
if (args.json) {
  const out: Record<string, unknown> = {};
  for (const [split, ws] of [
    ['dev', dev],
    ['test', test],
  ] as const) {
    for (const lang of ['fr', 'en']) out[`${split}/${lang}`] = pool(byLanguage(ws, lang), {});
  }
  out['fixture'] = pool([fixture], {});
  console.log(JSON.stringify(out, null, 2));
  process.exit(0);
}

console.log(
  `Options: ${Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(
  `Corpus: dev ${dev.length} workshops (${dev.reduce((n, w) => n + w.recs.length, 0)} cards), ` +
    `test ${test.length} (${test.reduce((n, w) => n + w.recs.length, 0)} cards); fixture ${fixture.recs.length} cards`,
);
console.log('\nPairwise scores (micro-averaged over the workshops of a row)');
console.log(`${''.padEnd(34)}precision  recall  F1     right/sugg true/expected`);
for (const [split, ws] of [
  ['test', test],
  ['dev', dev],
] as const) {
  if (args.split !== undefined && args.split !== split) continue;
  for (const lang of ['fr', 'en'])
    console.log(line(`${split} ${lang}`, pool(byLanguage(ws, lang), {})));
  console.log(line(`${split} both`, pool(ws, {})));
}
console.log(line('fixture fr (demo workshop)', pool([fixture], {})));
console.log('\nPer workshop');
for (const w of [...(args.split === 'dev' ? [] : test), ...dev, fixture])
  console.log(line(`  ${w.name}`, pool([w], {})));

if (args.sweep) {
  // Tuning looks at the dev split only.
  console.log('\nThreshold sweep on dev (other options at their defaults)');
  console.log(`${'threshold'.padEnd(34)}precision  recall  F1`);
  for (let t = 0.1; t <= 0.401; t += 0.02) {
    const threshold = Math.round(t * 100) / 100;
    const mark = Math.abs(threshold - o.threshold) < 1e-9 ? '  ← default' : '';
    const fr = pool(byLanguage(dev, 'fr'), { threshold });
    const en = pool(byLanguage(dev, 'en'), { threshold });
    const both = pool(dev, { threshold });
    console.log(
      `${threshold.toFixed(2).padEnd(10)}fr ${f3(fr.precision)}/${f3(fr.recall)}  en ${f3(en.precision)}/${f3(en.recall)}` +
        `  both ${f3(both.precision)} ${f3(both.recall)} ${f3(both.f1)}${mark}`,
    );
  }
  console.log('\nAblations on dev (each at its best-F1 threshold, then at the default threshold)');
  const ablations: [string, SuggestOptions][] = [
    ['defaults', {}],
    ['no concept table', { concepts: false }],
    ['character n-grams at 0.1', { charWeight: 0.1 }],
    ['issue 13 baseline', BASELINE],
    ['title weight 1', { titleWeight: 1 }],
    ['average linkage', { linkage: 'average' }],
    ['complete linkage', { linkage: 'complete' }],
  ];
  for (const [label, options] of ablations) {
    let best = { threshold: 0, ...pool(dev, options), f1: -1 };
    for (let t = 0.08; t <= 0.5; t += 0.01) {
      const threshold = Math.round(t * 100) / 100;
      const r = pool(dev, { ...options, threshold });
      if (r.f1 > best.f1) best = { threshold, ...r };
    }
    const at = pool(dev, options);
    console.log(
      `${label.padEnd(24)} best t=${best.threshold.toFixed(2)} P ${f3(best.precision)} R ${f3(best.recall)} ` +
        `F1 ${f3(best.f1)} | at default: P ${f3(at.precision)} R ${f3(at.recall)} F1 ${f3(at.f1)}`,
    );
  }
}

if (args.ablations) {
  console.log('\nAblations at the default threshold (P/R per split and language)');
  const variants: [string, SuggestOptions][] = [
    ['engine as shipped', {}],
    ['issue 13 baseline', BASELINE],
    ['no concept table', { concepts: false }],
    ['character n-grams at 0.1', { charWeight: 0.1 }],
    ['average linkage', { linkage: 'average' }],
  ];
  for (const [label, options] of variants) {
    const cells = [
      ['dev', dev],
      ['test', test],
    ]
      .filter(([split]) => args.split === undefined || args.split === split)
      .flatMap(([split, ws]) =>
        ['fr', 'en'].map((lang) => {
          const r = pool(byLanguage(ws as LabelledWorkshop[], lang), options);
          return `${split} ${lang} ${f3(r.precision)}/${f3(r.recall)}`;
        }),
      );
    console.log(`${label.padEnd(26)}${cells.join('  ')}`);
  }
}

if (args.errors) {
  const ws = args.errors === 'dev' ? dev : args.errors === 'test' ? test : [fixture];
  for (const w of ws) {
    const { suggestions, scores } = run(w, {});
    const title = new Map(w.recs.map((r) => [sourceOf(r), r.title || '(no title)']));
    const reasonsOf = new Map(suggestions.flatMap((s) => s.sources.map((x) => [x, s] as const)));
    console.log(`\n${w.name}`);
    for (const [a, b] of scores.falsePositives) {
      const reasons = (reasonsOf.get(a) as { reasons?: string[] } | undefined)?.reasons;
      console.log(
        `  ✗ «${title.get(a)}» + «${title.get(b)}»${reasons ? `  [${reasons.join(', ')}]` : ''}`,
      );
    }
    for (const [a, b] of scores.falseNegatives)
      console.log(`  ○ «${title.get(a)}» / «${title.get(b)}»`);
  }
}

if (args.audit) {
  // A pair whose cards share no content stem (stop words out, Snowball stems, no concept table)
  // has a word-overlap similarity of 0: word TF-IDF, BM25 and their kin cannot find it, so the
  // share of such pairs bounds the recall of any lexical engine (n-grams aside, which this corpus
  // hardly rewards). "with concepts": the same with the concept table's synonyms counted.
  console.log(
    '\nCorpus hardness: true pairs of cards of different groups that share no content stem',
  );
  console.log(
    `${''.padEnd(12)}pairs  no stem shared  lexical ceiling  no term shared with concepts`,
  );
  for (const [split, ws] of [
    ['dev', dev],
    ['test', test],
    ['fixture', [fixture]],
  ] as const) {
    if (args.split !== undefined && args.split !== split && split !== 'fixture') continue;
    for (const language of ['fr', 'en'] as const) {
      const mine = byLanguage(ws, language);
      if (mine.length === 0) continue;
      let pairs = 0;
      let bare = 0;
      let bareWithConcepts = 0;
      const listed: string[] = [];
      for (const w of mine) {
        const card = new Map(w.recs.map((r) => [sourceOf(r), r]));
        const termsOf = (source: string, concepts: boolean) => {
          const r = card.get(source)!;
          return new Set(terms(`${r.title} ${r.body}`, w.language as Language, concepts));
        };
        const shares = (a: string, b: string, concepts: boolean) => {
          const ta = termsOf(a, concepts);
          return [...termsOf(b, concepts)].some((t) => ta.has(t));
        };
        for (const cluster of w.truth) {
          for (let x = 0; x < cluster.length; x++) {
            for (let y = x + 1; y < cluster.length; y++) {
              const [a, b] = [cluster[x]!, cluster[y]!];
              if (a.split('/')[0] === b.split('/')[0]) continue;
              pairs++;
              if (!shares(a, b, false)) {
                bare++;
                listed.push(`  ${w.name}: «${card.get(a)!.title}» / «${card.get(b)!.title}»`);
              }
              if (!shares(a, b, true)) bareWithConcepts++;
            }
          }
        }
      }
      console.log(
        `${`${split} ${language}`.padEnd(12)}${String(pairs).padEnd(7)}${String(bare).padEnd(16)}` +
          `${f3(1 - bare / pairs).padEnd(17)}${bareWithConcepts}`,
      );
      if (args.list) console.log(listed.join('\n'));
    }
  }
}
