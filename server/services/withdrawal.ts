// A participant withdraws their name and words (RGPD, issue 15): their row and dots go, their cards
// are anonymised (no author) or removed, and every copy of them goes too: the stored history of
// the documents (compacted) and the snapshots (rewritten). Totals stay those of the dots that remain.
import type * as Y from 'yjs';
import {
  readItems,
  readRecommendation,
  recommendationsMap,
  removeSource,
} from '../../shared/doc.js';
import { plenaryTotal, recommendationTotal, sourcesTotal } from '../../shared/board.js';
import type { WithdrawResult } from '../../shared/api.js';
import type { BoardExport } from '../../shared/export.js';
import { groupDocName, PLENARY_DOC, recommendationTargetId } from '../../shared/ids.js';
import { MODERATION_DOC, withdrawFromModeration } from '../../shared/moderation.js';
import type { WithdrawMode } from '../../shared/schemas.js';
import type { Store } from '../store/store.js';
import type { WorkshopService } from './workshops.js';

export interface Withdrawal {
  withdraw(workshopId: string, participantId: string, mode: WithdrawMode): Promise<WithdrawResult>;
  /**
   * After the facilitator removed someone: their name leaves every snapshot (replaced by
   * REMOVED_NAME), their cards and dots stay there as the room saw them. Returns how many changed.
   */
  forgetName(workshopId: string, participantId: string): Promise<number>;
}

/** What a removed participant is called in the snapshots saved before (the schema needs a name). */
export const REMOVED_NAME = '—';

/**
 * The board without this participant: not listed, no dot of theirs, their cards without author or
 * gone (with the dots others put on them, and merged items that held only their cards); every
 * total recounted from the dots that remain, the way the live export counts them.
 */
export function withdrawFromBoard(
  board: BoardExport,
  participantId: string,
  mode: WithdrawMode,
): BoardExport {
  const removedTargets = new Set<string>();
  const groups = board.groups.map((group) => ({
    ...group,
    recommendations: group.recommendations.flatMap((rec) => {
      if (rec.authorId !== participantId) return [rec];
      if (mode === 'anonymise') return [{ ...rec, authorId: '' }];
      removedTargets.add(recommendationTargetId(group.id, rec.id));
      return [];
    }),
  }));
  const items = board.items.flatMap((item) => {
    const sources = item.sources.filter((ref) => !removedTargets.has(ref));
    // An item made only of their cards is their words: it goes. One that merges others' stays.
    if (sources.length === 0 && item.sources.length > 0) {
      removedTargets.add(`plenary/${item.id}`);
      return [];
    }
    return [{ ...item, sources }];
  });
  const votes = board.votes.filter(
    (v) => v.participantId !== participantId && !removedTargets.has(v.targetId),
  );
  const tallies: Record<string, number> = {};
  for (const v of votes) tallies[v.targetId] = (tallies[v.targetId] ?? 0) + v.count;
  return {
    ...board,
    groups: groups.map((group) => ({
      ...group,
      recommendations: group.recommendations.map((rec) => ({
        ...rec,
        votes: recommendationTotal(tallies, group.id, rec.id),
      })),
    })),
    participants: board.participants.filter((p) => p.id !== participantId),
    items: items.map((item) => ({
      ...item,
      sourcesVotes: sourcesTotal(item, tallies),
      votes: plenaryTotal(item, tallies),
    })),
    votes,
  };
}

export function createWithdrawal(deps: {
  store: Store;
  workshops: WorkshopService;
  docs: {
    withDoc<T>(workshopId: string, docName: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T>;
    compactNow(workshopId: string, docName: string): Promise<void>;
  };
}): Withdrawal {
  const { store, workshops, docs } = deps;

  /** Their cards in one group document, anonymised or deleted in one transaction; returns their ids. */
  function withdrawCards(doc: Y.Doc, participantId: string, mode: WithdrawMode): string[] {
    const map = recommendationsMap(doc);
    const theirs: string[] = [];
    map.forEach((entry, id) => {
      if (readRecommendation(id, entry)?.authorId === participantId) theirs.push(id);
    });
    if (theirs.length === 0) return theirs;
    doc.transact(() => {
      for (const id of theirs) {
        // Deleting a card gives its dots back to their owners (the vote service observes it).
        if (mode === 'remove') map.delete(id);
        else map.get(id)?.set('authorId', '');
      }
    });
    return theirs;
  }

  /**
   * Rewrites each snapshot of a workshop that `rewrite` changes (null: left as it is); returns
   * how many were rewritten. A snapshot that does not parse is left alone.
   */
  async function rewriteSnapshots(
    workshopId: string,
    rewrite: (board: BoardExport) => BoardExport | null,
  ): Promise<number> {
    let rewritten = 0;
    for (const summary of await store.listSnapshots(workshopId)) {
      const snapshot = await store.getSnapshot(workshopId, summary.id);
      if (!snapshot) continue;
      let board: BoardExport;
      try {
        board = JSON.parse(snapshot.data) as BoardExport;
      } catch {
        continue;
      }
      const next = rewrite(board);
      if (next && (await store.replaceSnapshotData(workshopId, summary.id, JSON.stringify(next))))
        rewritten++;
    }
    return rewritten;
  }

  return {
    forgetName: (workshopId, participantId) =>
      rewriteSnapshots(workshopId, (board) => {
        const named = board.participants?.find((p) => p.id === participantId);
        if (!named || named.name === REMOVED_NAME) return null;
        named.name = REMOVED_NAME;
        return board;
      }),

    async withdraw(workshopId, participantId, mode) {
      const live = await workshops.live(workshopId);
      // First the person: their token opens nothing from here on, so no card of theirs lands
      // after the sweep below; their dots go with their row.
      await workshops.removeParticipant(workshopId, participantId);

      let cards = 0;
      const removedRefs = new Set<string>();
      for (const group of live.groups) {
        const docName = groupDocName(group.id);
        const ids = await docs.withDoc(workshopId, docName, (doc) =>
          withdrawCards(doc, participantId, mode),
        );
        cards += ids.length;
        for (const id of ids)
          if (mode === 'remove') removedRefs.add(recommendationTargetId(group.id, id));
        if (ids.length > 0) await docs.compactNow(workshopId, docName);
      }
      // Hidden cards wait in the facilitator's moderation document (issue 16): theirs go too.
      const hidden = await docs.withDoc(workshopId, MODERATION_DOC, (doc) =>
        withdrawFromModeration(doc, participantId, mode, removedRefs),
      );
      cards += hidden;
      if (hidden > 0 || removedRefs.size > 0) await docs.compactNow(workshopId, MODERATION_DOC);

      if (removedRefs.size > 0) {
        // Merged items: their cards leave the sources; an item made of their cards alone goes.
        await docs.withDoc(workshopId, PLENARY_DOC, (doc) => {
          const touched = readItems(doc).filter((item) =>
            item.sources.some((ref) => removedRefs.has(ref)),
          );
          doc.transact(() => {
            // removeSource deletes an item with its last source: nothing merged is left orphaned.
            for (const item of touched)
              for (const ref of item.sources)
                if (removedRefs.has(ref)) removeSource(doc, item.id, ref);
          });
        });
        await docs.compactNow(workshopId, PLENARY_DOC);
      }

      // Snapshots hold names, cards and dots as they were: each is rewritten without them.
      const snapshots = await rewriteSnapshots(workshopId, (board) =>
        board.participants?.some((p) => p.id === participantId) ||
        board.groups?.some((g) => g.recommendations.some((r) => r.authorId === participantId))
          ? withdrawFromBoard(board, participantId, mode)
          : null,
      );
      return { cards, snapshots };
    },
  };
}
