// The cockpit's view models: plain functions that turn the session, the group documents and the
// merged board into what each console component shows (columns, picked cards, an item's sources,
// a suggestion's cards). No I/O and no Svelte: tested in tests/unit/cockpit-view.test.ts.
import { itemGroups, resolveSources, type GroupRecommendations } from '../../shared/board.js';
import type { PlenaryItem, Recommendation } from '../../shared/doc.js';
import { parseTargetId, recommendationTargetId } from '../../shared/ids.js';
import { isVotingPhase, type Phase } from '../../shared/phases.js';
import type { VotesProgress } from '../../shared/protocol.js';
import { groupColor, personColor } from './colors.js';

/** A group as the console names and colours it. */
export interface GroupLabel {
  name: string;
  color: string;
}

/** Someone writing in a card of a column, shown as an avatar on that card. */
export interface ColumnEditor {
  clientId: number;
  name: string;
  color: string;
  recId: string;
}

/** A card picked for a merge, as the selection tray shows it. */
export interface PickedCard {
  ref: string;
  groupName: string;
  color: string;
  title: string;
}

/** One source of a plenary item; `title` is null when its recommendation was withdrawn. */
export interface SourceRow {
  ref: string;
  groupName: string;
  color: string;
  title: string | null;
  votes: number;
}

/** One card of a merge suggestion; `title` is null when its recommendation was withdrawn. */
export interface SourceView {
  groupName: string;
  color: string;
  title: string | null;
  votes: number;
}

/** The workshop's groups in their order: each one's index, name and colour. */
export interface GroupDirectory {
  ids: string[];
  indexOf(groupId: string): number;
  nameOf(groupId: string): string;
  colorOf(groupId: string): string;
  labelsOf(sources: string[]): GroupLabel[];
}

export function groupDirectory(groups: { id: string; name: string }[]): GroupDirectory {
  const ids = groups.map((g) => g.id);
  const indexOf = (groupId: string) => ids.indexOf(groupId);
  const nameOf = (groupId: string) => groups.find((g) => g.id === groupId)?.name ?? '?';
  const colorOf = (groupId: string) => groupColor(Math.max(0, indexOf(groupId)));
  return {
    ids,
    indexOf,
    nameOf,
    colorOf,
    labelsOf: (sources) =>
      itemGroups({ sources } as PlenaryItem, ids).map((id) => ({
        name: nameOf(id),
        color: colorOf(id),
      })),
  };
}

export type RecIndex = Map<string, { groupId: string; rec: Recommendation }>;

/** Every recommendation of every group, by its target id ("groupId/recId"). */
export function indexRecommendations(groups: GroupRecommendations[]): RecIndex {
  return new Map(
    groups.flatMap((g) =>
      g.recommendations.map((rec): [string, { groupId: string; rec: Recommendation }] => [
        recommendationTargetId(g.groupId, rec.id),
        { groupId: g.groupId, rec },
      ]),
    ),
  );
}

/** The picked cards still there, in the order they were picked (the first names the item). */
export function pickedCards(
  selected: string[],
  recs: RecIndex,
  dir: GroupDirectory,
  untitled: string,
): PickedCard[] {
  return selected.flatMap((ref) => {
    const hit = recs.get(ref);
    return hit
      ? [
          {
            ref,
            groupName: dir.nameOf(hit.groupId),
            color: dir.colorOf(hit.groupId),
            title: hit.rec.title.trim() || untitled,
          },
        ]
      : [];
  });
}

/** Adds `ref` to the selection, or takes it out if it was in. */
export function toggleRef(selected: string[], ref: string): string[] {
  return selected.includes(ref) ? selected.filter((r) => r !== ref) : [...selected, ref];
}

/** Who is writing in which card of a group, from its document's awareness. */
export function columnEditors(
  peers: {
    clientId: number;
    user: { name: string; participantId: string };
    editing: { recId: string } | null;
  }[],
): ColumnEditor[] {
  return peers.flatMap((p) =>
    p.editing
      ? [
          {
            clientId: p.clientId,
            name: p.user.name,
            color: personColor(p.user.participantId),
            recId: p.editing.recId,
          },
        ]
      : [],
  );
}

/** How many of a group started and finished voting in this voting phase; null outside one. */
export function votingProgress(
  phase: Phase,
  progress: VotesProgress | null,
  groupId: string,
): { started: number; done: number } | null {
  return isVotingPhase(phase) && progress?.phase === phase
    ? { started: progress.byGroup[groupId] ?? 0, done: progress.doneByGroup?.[groupId] ?? 0 }
    : null;
}

/** A column's cards: most voted first once the votes are in (merging on), as written before. */
export function columnOrder(
  recs: Recommendation[],
  groupId: string,
  phase: Phase,
  tallies: Record<string, number>,
): Recommendation[] {
  const votes = (rec: Recommendation) => tallies[recommendationTargetId(groupId, rec.id)] ?? 0;
  return phase === 'merge' || phase === 'prioritise' || phase === 'closed'
    ? [...recs].sort((a, b) => votes(b) - votes(a))
    : recs;
}

/** An item's sources as its card lists them, withdrawn ones included. */
export function sourceRows(
  item: PlenaryItem,
  groups: GroupRecommendations[],
  dir: GroupDirectory,
  tallies: Record<string, number>,
): SourceRow[] {
  return resolveSources(item, groups).map((s) => ({
    ref: s.ref,
    groupName: dir.nameOf(s.groupId),
    color: dir.colorOf(s.groupId),
    title: s.recommendation ? s.recommendation.title : null,
    votes: tallies[s.ref] ?? 0,
  }));
}

/** A suggestion's card; null when it is not a recommendation of one of the groups. */
export function resolveSourceView(
  ref: string,
  dir: GroupDirectory,
  recs: RecIndex,
  tallies: Record<string, number>,
): SourceView | null {
  const target = parseTargetId(ref);
  if (target?.kind !== 'recommendation' || dir.indexOf(target.groupId) < 0) return null;
  const rec = recs.get(ref)?.rec ?? null;
  return {
    groupName: dir.nameOf(target.groupId),
    color: dir.colorOf(target.groupId),
    title: rec ? rec.title : null,
    votes: tallies[ref] ?? 0,
  };
}

/** The merged board's items, newest first (ties by id, so the order is the same everywhere). */
export function newestFirst(items: PlenaryItem[]): PlenaryItem[] {
  return [...items].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

export type ConsoleTab = 'groups' | 'merge' | 'prioritise' | 'people';

/** The view each phase opens on: people in the lobby, columns while writing and voting, and so on. */
export function phaseTab(phase: Phase): ConsoleTab {
  if (phase === 'merge') return 'merge';
  if (phase === 'prioritise' || phase === 'closed') return 'prioritise';
  if (phase === 'lobby') return 'people';
  return 'groups';
}
