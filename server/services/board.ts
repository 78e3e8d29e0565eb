// A whole board, read from and written to the live documents: the export JSON of the current
// state, a restore of a snapshot onto the live board (clients converge through Yjs, no reload),
// and an import into a new workshop. Writes go through the room layer, so they are persisted and
// broadcast like anyone's edits.
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
import { ErrorCode } from '../../shared/errors.js';
import { generateId, groupDocName, parseTargetId, PLENARY_DOC } from '../../shared/ids.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Store, VoteRecord } from '../store/store.js';
import { hashSecret } from './secrets.js';
import type { VoteService } from './votes.js';
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
    const [tallies, allVotes] = await Promise.all([votes.tallies(workshopId), store.allVotes(workshopId)]);
    const groups = [];
    for (const group of live.groups) {
      const recommendations = await docs.withDoc(workshopId, groupDocName(group.id), readRecommendations);
      groups.push({
        id: group.id,
        name: group.name,
        prompt: group.prompt,
        recommendations: recommendations.map((r) => ({ ...r, votes: recommendationTotal(tallies, group.id, r.id) })),
      });
    }
    const items = await docs.withDoc(workshopId, PLENARY_DOC, readItems);
    const r = live.record;
    return {
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
      participants: [...live.participants.values()].map((p) => ({ id: p.id, name: p.name, groupId: p.groupId })),
      items: items.map((item) => ({
        ...item,
        sourcesVotes: sourcesTotal(item, tallies),
        votes: plenaryTotal(item, tallies),
      })),
      votes: allVotes,
    };
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
        });
      });
    }
    await docs.withDoc(workshopId, PLENARY_DOC, (doc) => {
      doc.transact(() => {
        const map = itemsMap(doc);
        const wanted = new Map(board.items.map((item) => [item.id, item]));
        for (const id of [...map.keys()]) if (!wanted.has(id)) map.delete(id);
        for (const item of board.items) {
          const sources = item.sources.map(mapRef);
          let entry = map.get(item.id);
          if (!(entry instanceof Y.Map)) {
            entry = addItem(doc, { ...item, sources });
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
      });
    });
  }

  return {
    read,

    async restore(workshopId, board) {
      const live = await workshops.live(workshopId);
      const groupIdOf = new Map(live.groups.map((g) => [g.id, g.id]));
      await writeDocs(workshopId, board, groupIdOf);
      // Votes of participants who are no longer known cannot be restored (none are ever deleted).
      const restorable = board.votes.filter((v) => live.participants.has(v.participantId));
      await store.replaceVotes(workshopId, restorable);
      await workshops.update(workshopId, { phase: board.workshop.phase, votesRevealed: board.workshop.votesRevealed });
      workshops.events.emit('votes', workshopId);
    },

    async importBoard(board) {
      // References are checked before anything is written: a bad file writes nothing.
      const groupIds = new Set(board.groups.map((g) => g.id));
      const participantIds = new Set(board.participants.map((p) => p.id));
      for (const p of board.participants) {
        if (!groupIds.has(p.groupId)) {
          throw new AppError(ErrorCode.invalidPayload, `participants: ${p.id} belongs to an unknown group.`, 'participants');
        }
      }
      for (const v of board.votes) {
        if (!participantIds.has(v.participantId)) {
          throw new AppError(ErrorCode.invalidPayload, `votes: unknown participant ${v.participantId}.`, 'votes');
        }
      }
      const created = await workshops.create({
        title: board.workshop.title,
        groups: board.groups.map((g) => ({ name: g.name, prompt: g.prompt })),
        voteBudget: board.workshop.voteBudget,
        language: board.workshop.language,
      });
      const groupIdOf = new Map(board.groups.map((g, i) => [g.id, created.groups[i]!.id]));
      const participantIdOf = new Map<string, string>();
      for (const p of board.participants) {
        const id = generateId();
        participantIdOf.set(p.id, id);
        // Imported people have no usable token: they exist so their votes keep their weight.
        await store.addParticipant({
          id,
          workshopId: created.workshopId,
          groupId: groupIdOf.get(p.groupId)!,
          name: p.name,
          tokenHash: hashSecret(`imported:${generateId()}${generateId()}`),
          createdAt: now(),
        });
      }
      await writeDocs(created.workshopId, board, groupIdOf);
      const mapTarget = (targetId: string) => {
        const target = parseTargetId(targetId);
        return target?.kind === 'recommendation'
          ? `${groupIdOf.get(target.groupId) ?? target.groupId}/${target.recommendationId}`
          : targetId;
      };
      const importedVotes: VoteRecord[] = board.votes.map((v) => ({
        ...v,
        participantId: participantIdOf.get(v.participantId)!,
        targetId: mapTarget(v.targetId),
      }));
      await store.replaceVotes(created.workshopId, importedVotes);
      await workshops.reload(created.workshopId);
      await workshops.update(created.workshopId, {
        phase: board.workshop.phase,
        votesRevealed: board.workshop.votesRevealed,
      });
      return created;
    },
  };
}
