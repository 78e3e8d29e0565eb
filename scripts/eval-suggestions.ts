// Measures the merge-suggestion engine (shared/similarity.ts) against the ground-truth clusters
// of ../shared/fixtures/workshop-resilience.fr.json: pairwise precision/recall/F1, a threshold
// sweep, ablations, the false positives and negatives by title, and the runtime.
// Run: npm run eval:suggestions (node --import tsx scripts/eval-suggestions.ts)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_SUGGEST_OPTIONS,
  pairwiseScores,
  similarityMatrix,
  sourceOf,
  suggestMerges,
  type SuggestionInput,
  type SuggestOptions,
} from '../shared/similarity.js';

interface FixtureRecommendation {
  group: string;
  cluster: string | null;
  title: string;
  body: string;
}

// The repository's copy of ../shared/fixtures/workshop-resilience.fr.json.
const fixturePath = path.resolve('server', 'demo', 'workshop-resilience.fr.json');
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as {
  recommendations: FixtureRecommendation[];
};
// The fixture has no ids: number the recommendations in file order (g1/r01, g3/r17, …).
const recs: (SuggestionInput & { cluster: string | null })[] = fixture.recommendations.map(
  (r, i) => ({
    groupId: r.group,
    id: `r${String(i + 1).padStart(2, '0')}`,
    title: r.title,
    body: r.body,
    cluster: r.cluster,
  }),
);
const titleOf = new Map(recs.map((r) => [sourceOf(r), r.title]));
const indexOf = new Map(recs.map((r, i) => [sourceOf(r), i]));

const clusters = new Map<string, string[]>();
for (const r of recs) {
  if (r.cluster !== null)
    clusters.set(r.cluster, [...(clusters.get(r.cluster) ?? []), sourceOf(r)]);
}
const truth = [...clusters.values()];

const f3 = (x: number) => x.toFixed(3);
const evaluate = (options: SuggestOptions = {}) => {
  const suggestions = suggestMerges(recs, options);
  return {
    suggestions,
    ...pairwiseScores(
      suggestions.map((s) => s.sources),
      truth,
    ),
  };
};

// The "distinct groups" constraint makes a true pair of two recommendations of one group
// unreachable: count them, they cap the recall any setting can reach.
const truePairs = truth.reduce((n, c) => n + (c.length * (c.length - 1)) / 2, 0);
const sameGroupPairs = truth.reduce((n, c) => {
  const groups = c.map((s) => s.split('/')[0]);
  let same = 0;
  for (let x = 0; x < groups.length; x++) {
    for (let y = x + 1; y < groups.length; y++) if (groups[x] === groups[y]) same++;
  }
  return n + same;
}, 0);

const o = DEFAULT_SUGGEST_OPTIONS;
const main = evaluate();
console.log(
  `Fixture: ${recs.length} recommendations, ${truth.length} true clusters, ${truePairs} true pairs`,
);
console.log(
  `Recall cap of the distinct-groups constraint: ${sameGroupPairs} true pair(s) inside one group → ` +
    `max recall ${f3((truePairs - sameGroupPairs) / truePairs)}`,
);
console.log(
  `Options: threshold ${o.threshold}, linkage ${o.linkage}, titleWeight ${o.titleWeight}, ` +
    `charWeight ${o.charWeight}, concepts ${o.concepts}`,
);
console.log(
  `\nprecision ${f3(main.precision)}  recall ${f3(main.recall)}  F1 ${f3(main.f1)}  ` +
    `(${main.truePositives} true pairs found, ${main.falsePositives.length} false, ` +
    `${main.falseNegatives.length} missed)  sets ${main.suggestions.length}`,
);

console.log('\nThreshold sweep (default options otherwise)');
console.log('threshold  precision  recall  F1     sets');
for (const threshold of [0.08, 0.1, 0.12, 0.14, 0.15, 0.16, 0.18, 0.2, 0.25, 0.3]) {
  const r = evaluate({ threshold });
  const mark = threshold === o.threshold ? '  ← default' : '';
  console.log(
    `${threshold.toFixed(2).padEnd(11)}${f3(r.precision).padEnd(11)}${f3(r.recall).padEnd(8)}` +
      `${f3(r.f1).padEnd(7)}${r.suggestions.length}${mark}`,
  );
}

console.log('\nAblations (each at its own best-F1 threshold of the sweep, then at the default)');
const ablations: [string, SuggestOptions][] = [
  ['defaults', {}],
  ['no concept table', { concepts: false }],
  ['no character 4-grams', { charWeight: 0 }],
  ['neither (stems only)', { concepts: false, charWeight: 0 }],
  ['title weight 1', { titleWeight: 1 }],
  ['complete linkage', { linkage: 'complete' }],
];
for (const [label, options] of ablations) {
  let best = { threshold: 0, f1: -1, precision: 0, recall: 0 };
  for (let t = 0.06; t <= 0.4; t += 0.01) {
    const threshold = Math.round(t * 100) / 100;
    const r = evaluate({ ...options, threshold });
    if (r.f1 > best.f1) best = { threshold, f1: r.f1, precision: r.precision, recall: r.recall };
  }
  const atDefault = evaluate(options);
  console.log(
    `${label.padEnd(22)} best t=${best.threshold.toFixed(2)} P ${f3(best.precision)} R ${f3(best.recall)} ` +
      `F1 ${f3(best.f1)} | at ${o.threshold}: P ${f3(atDefault.precision)} R ${f3(atDefault.recall)} ` +
      `F1 ${f3(atDefault.f1)}`,
  );
}

const sim = similarityMatrix(recs);
const pairLine = ([a, b]: [string, string]) =>
  `  ${sim(indexOf.get(a)!, indexOf.get(b)!).toFixed(3)}  ${a} «${titleOf.get(a)}»\n` +
  `         ${b} «${titleOf.get(b)}»`;

console.log('\nSuggested sets (score, titles; ✗ = not a true cluster)');
for (const s of main.suggestions) {
  // ✗: not one true cluster (two stand-alone recommendations are not a true cluster either).
  const clustersOfSet = new Set(s.sources.map((x) => recs[indexOf.get(x)!]!.cluster));
  const ok = clustersOfSet.size === 1 && !clustersOfSet.has(null) ? ' ' : '✗';
  console.log(`${ok} ${s.score.toFixed(3)}  ${s.sources.map((x) => titleOf.get(x)).join('  |  ')}`);
}
console.log(`\nFalse positives (${main.falsePositives.length}), with their similarity`);
for (const pair of main.falsePositives) console.log(pairLine(pair));
console.log(`\nFalse negatives (${main.falseNegatives.length}), with their similarity`);
for (const pair of main.falseNegatives) console.log(pairLine(pair));

// Runtime: the fixture, and a synthetic 500-recommendation workshop (fixture sentences with a
// quarter of their words dropped at random, spread over 30 groups; seeded, so reproducible).
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timeIt = (input: readonly SuggestionInput[], runs: number) => {
  const cold = performance.now();
  suggestMerges(input);
  const first = performance.now() - cold;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    suggestMerges(input);
    times.push(performance.now() - t);
  }
  return { first, median: median(times) };
};
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const drop = (text: string) =>
  text
    .split(' ')
    .filter(() => random() > 0.25)
    .join(' ');
const big: SuggestionInput[] = Array.from({ length: 500 }, (_, i) => {
  const r = recs[i % recs.length]!;
  return {
    groupId: `g${Math.floor(random() * 30)}`,
    id: `x${i}`,
    title: drop(r.title),
    body: drop(r.body),
  };
});
const small = timeIt(recs, 50);
const large = timeIt(big, 10);
console.log('\nRuntime (this machine; first call includes JIT warm-up)');
console.log(
  `  46 recommendations:  first ${small.first.toFixed(1)} ms, then median ${small.median.toFixed(1)} ms`,
);
console.log(
  `  500 recommendations: first ${large.first.toFixed(1)} ms, then median ${large.median.toFixed(1)} ms`,
);
