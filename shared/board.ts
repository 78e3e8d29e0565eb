// Pure computations over a board: vote totals of recommendations and merged items, rankings,
// provenance. Used by the facilitator console, the projection, the exports and the report.
import type { PlenaryItem, Recommendation } from './doc.js';
import { parseTargetId, plenaryTargetId, recommendationTargetId } from './ids.js';
import type { Phase } from './phases.js';

export interface GroupRecommendations {
  groupId: string;
  recommendations: Recommendation[];
}

/** The total of a recommendation in the group vote. */
export function recommendationTotal(
  tallies: Record<string, number>,
  groupId: string,
  recId: string,
): number {
  return tallies[recommendationTargetId(groupId, recId)] ?? 0;
}

/** The sum of the group votes of an item's sources (what an item carries into the plenary). */
export function sourcesTotal(item: PlenaryItem, tallies: Record<string, number>): number {
  let total = 0;
  for (const ref of new Set(item.sources)) total += tallies[ref] ?? 0;
  return total;
}

/** The item's own dots in the plenary vote (`prioritise`). */
export function plenaryTotal(item: PlenaryItem, tallies: Record<string, number>): number {
  return tallies[plenaryTargetId(item.id)] ?? 0;
}

/**
 * The number an item is ranked by: before the plenary vote, the sum of its sources' votes; from
 * the plenary vote on (`prioritise`, `closed`), its own dots.
 */
export function itemTotal(
  item: PlenaryItem,
  tallies: Record<string, number>,
  phase: Phase,
): number {
  return phase === 'prioritise' || phase === 'closed'
    ? plenaryTotal(item, tallies)
    : sourcesTotal(item, tallies);
}

export interface RankedItem {
  item: PlenaryItem;
  total: number;
  sourcesTotal: number;
  plenaryTotal: number;
  /** 1-based rank; items with equal totals share a rank. */
  rank: number;
}

/** Items ranked by `itemTotal`, ties broken by the sum of sources, then by age (stable for all replicas). */
export function rankItems(
  items: PlenaryItem[],
  tallies: Record<string, number>,
  phase: Phase,
): RankedItem[] {
  const rows = items.map((item) => ({
    item,
    total: itemTotal(item, tallies, phase),
    sourcesTotal: sourcesTotal(item, tallies),
    plenaryTotal: plenaryTotal(item, tallies),
    rank: 0,
  }));
  rows.sort(
    (a, b) =>
      b.total - a.total ||
      b.sourcesTotal - a.sourcesTotal ||
      a.item.createdAt - b.item.createdAt ||
      (a.item.id < b.item.id ? -1 : 1),
  );
  rows.forEach((row, i) => {
    const previous = rows[i - 1];
    row.rank = previous && previous.total === row.total ? previous.rank : i + 1;
  });
  return rows;
}

/** The groups an item came from, in the order of `groupIds` (the workshop's group order). */
export function itemGroups(item: PlenaryItem, groupIds: string[]): string[] {
  const present = new Set<string>();
  for (const ref of item.sources) {
    const target = parseTargetId(ref);
    if (target?.kind === 'recommendation') present.add(target.groupId);
  }
  return groupIds.filter((id) => present.has(id));
}

/** Resolves each source of an item; a source whose recommendation is gone is reported as removed. */
export function resolveSources(
  item: PlenaryItem,
  groups: GroupRecommendations[],
): { ref: string; groupId: string; recommendation: Recommendation | null }[] {
  const byGroup = new Map(
    groups.map((g) => [g.groupId, new Map(g.recommendations.map((r) => [r.id, r]))]),
  );
  return item.sources.flatMap((ref) => {
    const target = parseTargetId(ref);
    if (target?.kind !== 'recommendation') return [];
    return [
      {
        ref,
        groupId: target.groupId,
        recommendation: byGroup.get(target.groupId)?.get(target.recommendationId) ?? null,
      },
    ];
  });
}

/** Which recommendations are already in some item: ref → itemId. */
export function mergedRefs(items: PlenaryItem[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items)
    for (const ref of item.sources) if (!out.has(ref)) out.set(ref, item.id);
  return out;
}

export type Quadrant = 'quickWins' | 'majorProjects' | 'fillIns' | 'thanklessTasks';

/** The 2×2 matrix: impact high (≥ 3) / low, feasibility high (≥ 3) / low. */
export function quadrantOf(impact: number, feasibility: number): Quadrant {
  const highImpact = impact >= 3;
  const easy = feasibility >= 3;
  if (highImpact && easy) return 'quickWins';
  if (highImpact) return 'majorProjects';
  if (easy) return 'fillIns';
  return 'thanklessTasks';
}
