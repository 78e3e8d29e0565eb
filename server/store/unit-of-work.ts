// A unit of work: the writes of one user action that touches several rows (import, restore),
// recorded in order by a synchronous callback, then applied by a store in one database
// transaction: all of them, or none (tldraw's TLSyncStorage.transaction, in the Store's words).
import type {
  GroupPatch,
  GroupRecord,
  ParticipantRecord,
  VoteRecord,
  WorkshopPatch,
  WorkshopRecord,
} from './store.js';

/** The writes a unit of work may hold. */
export interface UnitOfWork {
  createWorkshop(workshop: WorkshopRecord, groups: GroupRecord[]): void;
  addParticipant(participant: ParticipantRecord): void;
  updateWorkshop(id: string, patch: WorkshopPatch): void;
  replaceVotes(workshopId: string, votes: VoteRecord[]): void;
  /** Rounds (issue 17): a group formed between rounds, a group retired or given a host, a move. */
  addGroup(group: GroupRecord): void;
  updateGroup(id: string, patch: GroupPatch): void;
  moveParticipant(participantId: string, groupId: string): void;
}

/** One recorded write. */
export type Write =
  | { kind: 'createWorkshop'; workshop: WorkshopRecord; groups: GroupRecord[] }
  | { kind: 'addParticipant'; participant: ParticipantRecord }
  | { kind: 'updateWorkshop'; id: string; patch: WorkshopPatch }
  | { kind: 'replaceVotes'; workshopId: string; votes: VoteRecord[] }
  | { kind: 'addGroup'; group: GroupRecord }
  | { kind: 'updateGroup'; id: string; patch: GroupPatch }
  | { kind: 'moveParticipant'; participantId: string; groupId: string };

/**
 * The writes `fn` asks for, in order. Nothing reaches the database here: a callback that throws
 * halfway leaves nothing, and the store applies the list inside one transaction.
 */
export function recordWrites(fn: (tx: UnitOfWork) => void): Write[] {
  const writes: Write[] = [];
  fn({
    createWorkshop: (workshop, groups) => writes.push({ kind: 'createWorkshop', workshop, groups }),
    addParticipant: (participant) => writes.push({ kind: 'addParticipant', participant }),
    updateWorkshop: (id, patch) => writes.push({ kind: 'updateWorkshop', id, patch }),
    replaceVotes: (workshopId, votes) => writes.push({ kind: 'replaceVotes', workshopId, votes }),
    addGroup: (group) => writes.push({ kind: 'addGroup', group }),
    updateGroup: (id, patch) => writes.push({ kind: 'updateGroup', id, patch }),
    moveParticipant: (participantId, groupId) =>
      writes.push({ kind: 'moveParticipant', participantId, groupId }),
  });
  return writes;
}
