// Small readings of an export JSON for the organiser's screens: a group's colour by its place in
// the workshop, the groups an item came from, and what a `<groupId>/<recommendationId>` names.
import type { BoardExport, ExportItem } from '../../../shared/export.js';
import { parseTargetId } from '../../../shared/ids.js';
import { groupColor } from '../../lib/colors.js';

export interface GroupTag {
  id: string;
  name: string;
  color: string;
}

export function groupTags(groups: { id: string; name: string }[]): Map<string, GroupTag> {
  return new Map(groups.map((g, i) => [g.id, { id: g.id, name: g.name, color: groupColor(i) }]));
}

/** The groups an item's sources come from, in workshop order. */
export function itemGroups(item: ExportItem, tags: Map<string, GroupTag>): GroupTag[] {
  const present = new Set(
    item.sources
      .map((ref) => parseTargetId(ref))
      .flatMap((r) => (r?.kind === 'recommendation' ? [r.groupId] : [])),
  );
  return [...tags.values()].filter((tag) => present.has(tag.id));
}

/** A card's edge for several groups: one band per group, top to bottom (as on the board). */
export function edgeOf(tags: GroupTag[]): string {
  if (tags.length === 0) return 'var(--border)';
  if (tags.length === 1) return tags[0]!.color;
  const step = 100 / tags.length;
  return `linear-gradient(to bottom, ${tags.map((g, i) => `${g.color} ${i * step}% ${(i + 1) * step}%`).join(', ')})`;
}

/** What a source reference names in one or more boards: its group and its title, if still there. */
export function describeRef(
  ref: string,
  boards: (BoardExport | null | undefined)[],
  tags: Map<string, GroupTag>,
): { group: GroupTag | null; title: string | null } {
  const target = parseTargetId(ref);
  if (target?.kind !== 'recommendation') return { group: null, title: null };
  const group = tags.get(target.groupId) ?? null;
  for (const board of boards) {
    const rec = board?.groups
      .find((g) => g.id === target.groupId)
      ?.recommendations.find((r) => r.id === target.recommendationId);
    if (rec) return { group, title: rec.title };
  }
  return { group, title: null };
}

/**
 * The groups a vote target belongs to: a recommendation's group, or the groups a merged item came
 * from (the item read from the first board that still holds it).
 */
export function targetTags(
  targetId: string,
  boards: (BoardExport | null | undefined)[],
  tags: Map<string, GroupTag>,
): GroupTag[] {
  const target = parseTargetId(targetId);
  if (target?.kind === 'recommendation') {
    const tag = tags.get(target.groupId);
    return tag ? [tag] : [];
  }
  if (target?.kind === 'plenary') {
    for (const board of boards) {
      const item = board?.items.find((i) => i.id === target.itemId);
      if (item) return itemGroups(item, tags);
    }
  }
  return [];
}
