// A whole board, read from and written to the live documents: the export JSON of the current
// state, a restore of a snapshot onto the live board (clients converge through Yjs, no reload),
// and an import into a new workshop. Writes go through the room layer, so they are persisted and
// broadcast like anyone's edits. What the live documents hold is read tolerantly: a value past
// the limits (written before the door checked them, or by a third-party client) is clipped, an
// entry that could never be exported is left out, and a dot on a card that is gone is not listed,
// so that a board always exports, snapshots, restores, compares and imports back.
import * as Y from 'yjs';
import { recommendationTotal, sourcesTotal, plenaryTotal } from '../../shared/board.js';
import {
  addItem,
  addRecommendation,
  itemsMap,
  readItems,
  readRecommendations,
  recommendationsMap,
  setField,
  setItemScores,
} from '../../shared/doc.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type BoardExport } from '../../shared/export.js';
import { LIMITS } from '../../shared/limits.js';
import { ErrorCode } from '../../shared/errors.js';
import {
  generateId,
  groupDocName,
  parseTargetId,
  PLENARY_DOC,
  plenaryTargetId,
  recommendationTargetId,
} from '../../shared/ids.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Store, VoteRecord } from '../store/store.js';
import { hashSecret } from './secrets.js';
import { REPLACING_VOTES, type VoteService } from './votes.js';
import type { WorkshopService } from './workshops.js';

export interface DocAccess {
  withDoc<T>(workshopId: string, docName: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T>;
}

export interface BoardService {
  read(workshopId: string): Promise<BoardExport>;
  /** Makes the live board the snapshot's: documents, votes, phase and reveal. */
  restore(workshopId: string, board: BoardExport): Promise<void>;
  /** Creates a new workshop holding the board (import, fork). Checks references before writing. */
  importBoard(board: BoardExport): Promise<CreateWorkshopResult>;
}

export function createBoardService(deps: {
  store: Store;
  workshops: WorkshopService;
  votes: VoteService;
  docs: DocAccess;
  now?: () => number;
}): BoardService {
  const { store, workshops, votes, docs } = deps;
  const now = deps.now ?? Date.now;

  async function read(workshopId: string): Promise<BoardExport> {
    const live = await workshops.live(workshopId);
    const [tallies, allVotes] = await Promise.all([
      votes.tallies(workshopId),
      store.allVotes(workshopId),
    ]);
    const groups = [];
    for (const group of live.groups) {
      const recommendations = await docs.withDoc(
        workshopId,
        groupDocName(group.id),
        readRecommendations,
      );
      groups.push({
        id: group.id,
        name: group.name,
        prompt: group.prompt,
        recommendations: recommendations.map((r) => ({
          ...r,
          votes: recommendationTotal(tallies, group.id, r.id),
        })),
      });
    }
    const items = await docs.withDoc(workshopId, PLENARY_DOC, readItems);
    const targets = targetsOf(groups, items);
    const r = live.record;
    return fitExport({
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now(),
      workshop: {
        workshopId: r.id,
        code: r.code,
        title: r.title,
        language: r.language,
        voteBudget: r.voteBudget,
        phase: r.phase,
        votesRevealed: r.votesRevealed,
        createdAt: r.createdAt,
      },
      groups,
      participants: [...live.participants.values()].map((p) => ({
        id: p.id,
        name: p.name,
        groupId: p.groupId,
      })),
      items: items.map((item) => ({
        ...item,
        sourcesVotes: sourcesTotal(item, tallies),
        votes: plenaryTotal(item, tallies),
      })),
      // A dot on a card that is gone is nobody's vote any more (returned when the card went).
      votes: allVotes.filter((v) => targets.has(v.targetId)),
    });
  }

  /** Writes the board's documents into a workshop, group ids mapped from the board's to the workshop's. */
  async function writeDocs(workshopId: string, board: BoardExport, groupIdOf: Map<string, string>) {
    const mapRef = (ref: string) => {
      const target = parseTargetId(ref);
      if (target?.kind !== 'recommendation') return ref;
      return `${groupIdOf.get(target.groupId) ?? target.groupId}/${target.recommendationId}`;
    };
    for (const group of board.groups) {
      const groupId = groupIdOf.get(group.id);
      if (!groupId) continue;
      await docs.withDoc(workshopId, groupDocName(groupId), (doc) => {
        // The board's votes replace the workshop's after the documents: its deletions return none.
        doc.transact(() => {
          const map = recommendationsMap(doc);
          const wanted = new Map(group.recommendations.map((rec) => [rec.id, rec]));
          for (const id of [...map.keys()]) if (!wanted.has(id)) map.delete(id);
          for (const rec of group.recommendations) {
            const entry = map.get(rec.id);
            if (!(entry instanceof Y.Map)) {
              addRecommendation(doc, rec);
              continue;
            }
            setField(entry, 'title', rec.title);
            setField(entry, 'body', rec.body);
            if (entry.get('authorId') !== rec.authorId) entry.set('authorId', rec.authorId);
            if (entry.get('createdAt') !== rec.createdAt) entry.set('createdAt', rec.createdAt);
          }
        }, REPLACING_VOTES);
      });
    }
    await docs.withDoc(workshopId, PLENARY_DOC, (doc) => {
      doc.transact(() => {
        const map = itemsMap(doc);
        const wanted = new Map(board.items.map((item) => [item.id, item]));
        for (const id of [...map.keys()]) if (!wanted.has(id)) map.delete(id);
        for (const item of board.items) {
          const sources = item.sources.map(mapRef);
          const entry = map.get(item.id);
          if (!(entry instanceof Y.Map)) {
            addItem(doc, { ...item, sources });
          } else {
            setField(entry, 'title', item.title);
            setField(entry, 'body', item.body);
            const current = entry.get('sources');
            const same =
              current instanceof Y.Array &&
              current.length === sources.length &&
              current.toArray().every((value, i) => value === sources[i]);
            if (!same) {
              const array = new Y.Array<string>();
              array.push(sources);
              entry.set('sources', array);
            }
            if (entry.get('createdAt') !== item.createdAt) entry.set('createdAt', item.createdAt);
          }
          setItemScores(doc, item.id, { impact: item.impact, feasibility: item.feasibility });
        }
      }, REPLACING_VOTES);
    });
  }

  return {
    read,

    async restore(workshopId, board) {
      const live = await workshops.live(workshopId);
      const groupIdOf = new Map(live.groups.map((g) => [g.id, g.id]));
      await writeDocs(workshopId, board, groupIdOf);
      // Votes of participants no longer known (removed since) cannot be restored, nor dots on a
      // card the board does not hold (a snapshot saved before dots were returned may list some).
      const targets = targetsOf(
        board.groups.map((g) => ({ id: g.id, recommendations: g.recommendations })),
        board.items,
      );
      const restorable = board.votes.filter(
        (v) => live.participants.has(v.participantId) && targets.has(v.targetId),
      );
      // The documents went through their rooms (each update stored before any peer sees it);
      // the rows, votes and the phase they belong to, are one unit of work: both or neither.
      await workshops.update(
        workshopId,
        { phase: board.workshop.phase, votesRevealed: board.workshop.votesRevealed },
        { alsoWrite: (tx) => tx.replaceVotes(workshopId, restorable) },
      );
      workshops.votesReplaced(workshopId);
    },

    async importBoard(board) {
      // References are checked before anything is written: a bad file writes nothing.
      const groupIds = new Set(board.groups.map((g) => g.id));
      const participantIds = new Set(board.participants.map((p) => p.id));
      for (const p of board.participants) {
        if (!groupIds.has(p.groupId)) {
          throw new AppError(
            ErrorCode.invalidPayload,
            `participants: ${p.id} belongs to an unknown group.`,
            'participants',
          );
        }
      }
      for (const v of board.votes) {
        if (!participantIds.has(v.participantId)) {
          throw new AppError(
            ErrorCode.invalidPayload,
            `votes: unknown participant ${v.participantId}.`,
            'votes',
          );
        }
      }
      // The workshop, its groups, its people and their votes: one unit of work, all or nothing.
      // Imported people have no usable token: they exist so their votes keep their weight.
      const participantIdOf = new Map(board.participants.map((p) => [p.id, generateId()]));
      let groupIdOf = new Map<string, string>();
      const created = await workshops.create(
        {
          title: board.workshop.title,
          groups: board.groups.map((g) => ({ name: g.name, prompt: g.prompt })),
          voteBudget: board.workshop.voteBudget,
          language: board.workshop.language,
        },
        {
          alsoWrite: (tx, workshop) => {
            groupIdOf = new Map(board.groups.map((g, i) => [g.id, workshop.groups[i]!.id]));
            for (const p of board.participants) {
              tx.addParticipant({
                id: participantIdOf.get(p.id)!,
                workshopId: workshop.workshopId,
                groupId: groupIdOf.get(p.groupId)!,
                name: p.name,
                tokenHash: hashSecret(`imported:${generateId()}${generateId()}`),
                createdAt: now(),
              });
            }
            const mapTarget = (targetId: string) => {
              const target = parseTargetId(targetId);
              return target?.kind === 'recommendation'
                ? recommendationTargetId(
                    groupIdOf.get(target.groupId) ?? target.groupId,
                    target.recommendationId,
                  )
                : targetId;
            };
            const importedVotes: VoteRecord[] = board.votes.map((v) => ({
              ...v,
              participantId: participantIdOf.get(v.participantId)!,
              targetId: mapTarget(v.targetId),
            }));
            tx.replaceVotes(workshop.workshopId, importedVotes);
          },
        },
      );
      // The documents after the rows (a room needs its workshop), through their rooms.
      await writeDocs(created.workshopId, board, groupIdOf);
      await workshops.reload(created.workshopId);
      await workshops.update(created.workshopId, {
        phase: board.workshop.phase,
        votesRevealed: board.workshop.votesRevealed,
      });
      return created;
    },
  };
}

/** Every vote target a board holds: its recommendations and its plenary items. */
function targetsOf(
  groups: { id: string; recommendations: { id: string }[] }[],
  items: { id: string }[],
): Set<string> {
  const targets = new Set<string>();
  for (const g of groups)
    for (const r of g.recommendations) targets.add(recommendationTargetId(g.id, r.id));
  for (const item of items) targets.add(plenaryTargetId(item.id));
  return targets;
}

/** Ids we generate are 16 characters; the export's schema takes up to this many. */
const ID_MAX = 64;
/** A source reference is `<groupId>/<recommendationId>`. */
const SOURCE_MAX = 200;
const ITEMS_MAX = 2000;
const RECOMMENDATIONS_MAX = 2000;
const SOURCES_MAX = 500;

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const clipField = (entry: Record<string, unknown>, field: string, max: number) => {
  const value = entry[field];
  if (typeof value === 'string') entry[field] = clip(value, max);
};
const validId = (entry: unknown) =>
  isRecord(entry) &&
  typeof entry.id === 'string' &&
  entry.id.length >= 1 &&
  entry.id.length <= ID_MAX;

/**
 * A board made to fit the export's schema: texts clipped to the limits people type within,
 * entries whose id could never be a vote target left out, lists cut at the schema's maxima.
 * Takes what a document or a stored snapshot holds (`unknown`: snapshots saved before this was
 * applied may hold anything the documents did); touches only what it recognises.
 */
export function fitExport<T>(value: T): T {
  if (!isRecord(value)) return value;
  const board: Record<string, unknown> = value;
  if (Array.isArray(board.groups)) {
    for (const group of board.groups) {
      if (!isRecord(group) || !Array.isArray(group.recommendations)) continue;
      group.recommendations = group.recommendations.filter(validId).slice(0, RECOMMENDATIONS_MAX);
      for (const rec of group.recommendations as Record<string, unknown>[]) {
        clipField(rec, 'title', LIMITS.recommendationTitle);
        clipField(rec, 'body', LIMITS.recommendationBody);
        if (typeof rec.authorId === 'string' && rec.authorId.length > ID_MAX) rec.authorId = '';
      }
    }
  }
  if (Array.isArray(board.items)) {
    board.items = board.items.filter(validId).slice(0, ITEMS_MAX);
    for (const item of board.items as Record<string, unknown>[]) {
      clipField(item, 'title', LIMITS.recommendationTitle);
      clipField(item, 'body', LIMITS.recommendationBody);
      if (Array.isArray(item.sources)) {
        item.sources = item.sources
          .filter((ref): ref is string => typeof ref === 'string' && ref.length <= SOURCE_MAX)
          .slice(0, SOURCES_MAX);
      }
    }
  }
  return value;
}
