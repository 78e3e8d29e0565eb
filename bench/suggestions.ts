// The merge-suggestion engine (shared/similarity.ts) on a large workshop: 500 recommendations in
// 30 groups, made from the evaluation corpus and the demo fixture (their cards, cycled, with a
// seeded quarter of their words dropped, so no two are identical). Timed in-process, warm: the
// median of several runs, since other work on the machine moves single runs a lot.
import { suggestMerges, type SuggestionInput } from '../shared/similarity.js';
import { loadFixture, loadSplit } from '../tests/fixtures/suggestions/corpus.js';

export interface SuggestionsBench {
  recommendations: number;
  groups: number;
  runs: number;
  firstMs: number;
  medianMs: number;
  /** CPU time of the process per run (median): less moved than wall time by other processes. */
  medianCpuMs: number;
  minMs: number;
  maxMs: number;
  suggestions: number;
  summary: string;
}

export function largeWorkshop(n = 500, groups = 30): SuggestionInput[] {
  const cards = [...loadSplit('dev'), ...loadSplit('test'), loadFixture()].flatMap((w) => w.recs);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const drop = (text: string) =>
    text
      .split(' ')
      .filter(() => random() > 0.25)
      .join(' ');
  return Array.from({ length: n }, (_, i) => {
    const card = cards[i % cards.length]!;
    return {
      groupId: `g${Math.floor(random() * groups)}`,
      id: `x${i}`,
      title: i < cards.length ? card.title : drop(card.title),
      body: i < cards.length ? card.body : drop(card.body),
    };
  });
}

export function measureSuggestions(runs = 15): SuggestionsBench {
  const input = largeWorkshop();
  const t0 = performance.now();
  let suggestions = suggestMerges(input).length;
  const firstMs = performance.now() - t0;
  for (let i = 0; i < 3; i++) suggestMerges(input);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    suggestions = suggestMerges(input).length;
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const r = {
    recommendations: input.length,
    groups: new Set(input.map((x) => x.groupId)).size,
    runs,
    firstMs,
    medianMs: times[Math.floor(runs / 2)]!,
    medianCpuMs: cpu[Math.floor(runs / 2)]!,
    minMs: times[0]!,
    maxMs: times[runs - 1]!,
    suggestions,
  };
  const summary =
    `merge suggestions over ${r.recommendations} recommendations in ${r.groups} groups: median ` +
    `${r.medianMs.toFixed(1)} ms of ${runs} warm runs (CPU ${r.medianCpuMs.toFixed(1)} ms; min ${r.minMs.toFixed(1)}, max ` +
    `${r.maxMs.toFixed(1)}; first call ${r.firstMs.toFixed(0)} ms), ${r.suggestions} suggestions ` +
    `(target: within 100 ms)`;
  return { ...r, summary };
}

// `node --import tsx bench/suggestions.ts`: this measure alone.
if (import.meta.url === `file://${process.argv[1]}`) console.log(measureSuggestions().summary);
