// Pairwise precision and recall of suggested sets against ground-truth clusters: the measure of
// docs/suggestions.md, used by scripts/eval-suggestions.ts and the unit tests.

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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
