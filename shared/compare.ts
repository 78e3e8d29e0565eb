// Compares two boards (two snapshots, or a snapshot and now): what was added, changed, withdrawn,
// merged, and how totals moved. Pure, so the UI, the API and the tests share it.
import type { BoardExport } from './export.js';
import { plenaryTargetId, recommendationTargetId } from './ids.js';

export interface RecommendationRef {
  groupId: string;
  groupName: string;
  id: string;
  title: string;
}

export interface TextChange {
  before: { title: string; body: string };
  after: { title: string; body: string };
}

export interface TotalMove {
  targetId: string;
  title: string;
  before: number;
  after: number;
}

export interface BoardComparison {
  phase: { before: string; after: string };
  recommendations: {
    added: RecommendationRef[];
    changed: (RecommendationRef & TextChange)[];
    withdrawn: RecommendationRef[];
  };
  items: {
    added: { id: string; title: string; sources: string[] }[];
    changed: ({ id: string; title: string } & TextChange)[];
    removed: { id: string; title: string; sources: string[] }[];
    /** Items whose set of sources changed (merged into, or split back). */
    resourced: { id: string; title: string; added: string[]; removed: string[] }[];
    rescored: {
      id: string;
      title: string;
      before: { impact: number | null; feasibility: number | null };
      after: { impact: number | null; feasibility: number | null };
    }[];
  };
  /** Targets whose dot total moved, largest move first. */
  totals: TotalMove[];
  /**
   * Merges made between the two boards: items that now join two cards or more and are new or
   * gained a card. A single card carried over to the merged board is not a merge.
   */
  merges: number;
  /** True when nothing differs. */
  same: boolean;
}

function recommendationIndex(board: BoardExport) {
  const out = new Map<string, RecommendationRef & { body: string; votes: number }>();
  for (const group of board.groups) {
    for (const rec of group.recommendations) {
      out.set(recommendationTargetId(group.id, rec.id), {
        groupId: group.id,
        groupName: group.name,
        id: rec.id,
        title: rec.title,
        body: rec.body,
        votes: rec.votes,
      });
    }
  }
  return out;
}

export function compareBoards(before: BoardExport, after: BoardExport): BoardComparison {
  const a = recommendationIndex(before);
  const b = recommendationIndex(after);
  const strip = ({ groupId, groupName, id, title }: RecommendationRef) => ({
    groupId,
    groupName,
    id,
    title,
  });

  const recommendations: BoardComparison['recommendations'] = {
    added: [],
    changed: [],
    withdrawn: [],
  };
  for (const [key, rec] of b) {
    const old = a.get(key);
    if (!old) recommendations.added.push(strip(rec));
    else if (old.title !== rec.title || old.body !== rec.body) {
      recommendations.changed.push({
        ...strip(rec),
        before: { title: old.title, body: old.body },
        after: { title: rec.title, body: rec.body },
      });
    }
  }
  for (const [key, rec] of a) if (!b.has(key)) recommendations.withdrawn.push(strip(rec));

  const itemsBefore = new Map(before.items.map((i) => [i.id, i]));
  const itemsAfter = new Map(after.items.map((i) => [i.id, i]));
  const items: BoardComparison['items'] = {
    added: [],
    changed: [],
    removed: [],
    resourced: [],
    rescored: [],
  };
  for (const [id, item] of itemsAfter) {
    const old = itemsBefore.get(id);
    if (!old) {
      items.added.push({ id, title: item.title, sources: item.sources });
      continue;
    }
    if (old.title !== item.title || old.body !== item.body) {
      items.changed.push({
        id,
        title: item.title,
        before: { title: old.title, body: old.body },
        after: { title: item.title, body: item.body },
      });
    }
    const oldSources = new Set(old.sources);
    const newSources = new Set(item.sources);
    const added = item.sources.filter((s) => !oldSources.has(s));
    const removed = old.sources.filter((s) => !newSources.has(s));
    if (added.length > 0 || removed.length > 0)
      items.resourced.push({ id, title: item.title, added, removed });
    if (old.impact !== item.impact || old.feasibility !== item.feasibility) {
      items.rescored.push({
        id,
        title: item.title,
        before: { impact: old.impact, feasibility: old.feasibility },
        after: { impact: item.impact, feasibility: item.feasibility },
      });
    }
  }
  for (const [id, item] of itemsBefore) {
    if (!itemsAfter.has(id)) items.removed.push({ id, title: item.title, sources: item.sources });
  }

  const totals: TotalMove[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key)?.votes ?? 0;
    const y = b.get(key)?.votes ?? 0;
    if (x !== y)
      totals.push({ targetId: key, title: (b.get(key) ?? a.get(key))!.title, before: x, after: y });
  }
  for (const id of new Set([...itemsBefore.keys(), ...itemsAfter.keys()])) {
    const x = itemsBefore.get(id);
    const y = itemsAfter.get(id);
    // An item's total: its own dots once the plenary voted, else what its sources carry.
    const total = (i: typeof x, board: BoardExport) =>
      i
        ? board.workshop.phase === 'prioritise' || board.workshop.phase === 'closed'
          ? i.votes
          : i.sourcesVotes
        : 0;
    if (total(x, before) !== total(y, after)) {
      totals.push({
        targetId: plenaryTargetId(id),
        title: (y ?? x)!.title,
        before: total(x, before),
        after: total(y, after),
      });
    }
  }
  totals.sort(
    (p, q) =>
      Math.abs(q.after - q.before) - Math.abs(p.after - p.before) ||
      (p.targetId < q.targetId ? -1 : 1),
  );

  let merges = 0;
  for (const [id, item] of itemsAfter) {
    if (new Set(item.sources).size < 2) continue;
    const old = itemsBefore.get(id);
    if (!old || item.sources.some((s) => !old.sources.includes(s))) merges += 1;
  }

  const same =
    before.workshop.phase === after.workshop.phase &&
    recommendations.added.length +
      recommendations.changed.length +
      recommendations.withdrawn.length ===
      0 &&
    Object.values(items).every((list) => list.length === 0) &&
    totals.length === 0;

  return {
    phase: { before: before.workshop.phase, after: after.workshop.phase },
    recommendations,
    items,
    totals,
    merges,
    same,
  };
}
