// The storage interface: everything Atelier keeps, behind one async contract so that SQLite
// (embedded default) and PostgreSQL (several processes) pass the same contract suite.
import type { Anonymity } from '../../shared/anonymity.js';
import type { ModerationMode } from '../../shared/moderation.js';
import type { Language } from '../../shared/schemas.js';
import type { Phase, VotingPhase } from '../../shared/phases.js';
import type { TemplateStep } from '../../shared/templates.js';
import type { UnitOfWork } from './unit-of-work.js';

export interface WorkshopRecord {
  id: string;
  code: string;
  title: string;
  language: Language;
  voteBudget: number;
  phase: Phase;
  /** Epoch milliseconds at which the running timer ends; null when no timer runs. */
  timerEndsAt: number | null;
  /** When the timer reaches zero, participants can no longer write (until it is stopped or restarted). */
  timerFreeze: boolean;
  votesRevealed: boolean;
  groupChoiceLocked: boolean;
  joiningLocked: boolean;
  /** sha256 of the facilitator key; the key itself is never stored. */
  facilitatorKeyHash: string;
  /** sha256 of the read-only key of the projection screen, once one was issued. */
  screenKeyHash: string | null;
  createdAt: number;
  /**
   * The organiser's information notice on personal data, shown at join time; absent when the
   * default text (built from the retention) applies. A patch with `null` brings the default back.
   */
  notice?: string | null;
  /** Who reads participants' names (issue 16); absent reads as `named`. */
  anonymity?: Anonymity;
  /** `inbox`: the projection shows only the cards the facilitator approved; absent reads as `open`. */
  moderation?: ModerationMode;
  /**
   * Private writing (issue 16): participants write in their own drafts and the group documents
   * hold still for them until the reveal. Absent reads as off.
   */
  privateWriting?: boolean;
  /**
   * The phases with their default durations, from the template the workshop was created from;
   * absent or null: the usual day (shared/templates.ts DEFAULT_STEPS).
   */
  steps?: TemplateStep[] | null;
  /** The current round (issue 17); absent: the first. */
  round?: number;
  /** The profiles people choose from at join ("élu·e", "agent·e"…); absent: none asked. */
  profiles?: string[];
}

export type WorkshopPatch = Partial<
  Pick<
    WorkshopRecord,
    | 'phase'
    | 'timerEndsAt'
    | 'timerFreeze'
    | 'votesRevealed'
    | 'groupChoiceLocked'
    | 'joiningLocked'
    | 'screenKeyHash'
    | 'notice'
    | 'anonymity'
    | 'moderation'
    | 'privateWriting'
    | 'round'
    | 'profiles'
  >
>;

export interface GroupRecord {
  id: string;
  workshopId: string;
  name: string;
  prompt: string;
  position: number;
  /** The round the group was formed for (issue 17); absent: the first. */
  round?: number;
  /** The round after which it stopped (its board stays, read-only); absent: it is active. */
  retiredRound?: number | null;
  /** The groups of the previous round whose cards it started from (tiers); absent: none. */
  parents?: string[];
  /** World Café: the host who stays at this table; absent: none. */
  hostId?: string | null;
}

/** What a round may change of a group. */
export type GroupPatch = Partial<Pick<GroupRecord, 'retiredRound' | 'hostId'>>;

export interface ParticipantRecord {
  id: string;
  workshopId: string;
  groupId: string;
  name: string;
  /** sha256 of the participant token. */
  tokenHash: string;
  createdAt: number;
  /**
   * Join order in the workshop, 0-based, for a stable pseudonym: assigned by the store at
   * insertion from a counter on the workshop (never reused, even after a removal); always present
   * on a record read back.
   */
  ordinal?: number;
  /** The facilitator blocked this participant: they read, but write and vote nothing (issue 16). */
  blocked?: boolean;
  /** The profile they chose at join, among the workshop's (issue 17); absent: none. */
  profile?: string;
}

export interface StoredDoc {
  /** The compacted state, or null before the first compaction. */
  state: Uint8Array | null;
  /** Updates appended since, oldest first. */
  updates: Uint8Array[];
  /** Position of the newest update in the log (0 when the log is empty). */
  lastSeq: number;
}

export interface AppendResult {
  /** Position of this update in the store's log; compaction removes updates up to it. */
  seq: number;
  /** How many updates the document's log holds now (compaction threshold input). */
  logLength: number;
}

export interface VoteRequest {
  workshopId: string;
  participantId: string;
  phase: VotingPhase;
  targetId: string;
  delta: 1 | -1;
  budget: number;
}

export type VoteOutcome =
  | { ok: true; remaining: number }
  | { ok: false; reason: 'budget_exhausted' | 'nothing_to_withdraw' };

export interface VoteRecord {
  participantId: string;
  phase: VotingPhase;
  targetId: string;
  count: number;
}

export interface SnapshotRecord {
  id: string;
  workshopId: string;
  label: string;
  /** 'manual' (saved by an organiser) or 'auto' (at a phase change). */
  kind: 'manual' | 'auto';
  createdAt: number;
  /** The board in the export JSON format, serialised. */
  data: string;
}

/**
 * How a write that may collide ends: a conflict the caller can act on is an outcome, not an
 * error to read the words of (any other failure still throws).
 */
export type WriteOutcome = { ok: true } | { ok: false; reason: 'code_taken' };

export interface Store {
  /** The workshop and its groups, together; `code_taken` (nothing written) if the code is in use. */
  createWorkshop(workshop: WorkshopRecord, groups: GroupRecord[]): Promise<WriteOutcome>;
  /**
   * The writes `fn` records (synchronously: it only records), applied in one transaction: all of
   * them or none. `code_taken` when a workshop it creates collides (nothing written); any other
   * failure rejects, and nothing was written either.
   */
  transaction(fn: (tx: UnitOfWork) => void): Promise<WriteOutcome>;
  workshopById(id: string): Promise<WorkshopRecord | null>;
  workshopByCode(code: string): Promise<WorkshopRecord | null>;
  workshopByFacilitatorKeyHash(keyHash: string): Promise<WorkshopRecord | null>;
  workshopByScreenKeyHash(keyHash: string): Promise<WorkshopRecord | null>;
  updateWorkshop(id: string, patch: WorkshopPatch): Promise<WorkshopRecord | null>;
  groups(workshopId: string): Promise<GroupRecord[]>;

  addParticipant(participant: ParticipantRecord): Promise<void>;
  participantByTokenHash(tokenHash: string): Promise<ParticipantRecord | null>;
  participants(workshopId: string): Promise<ParticipantRecord[]>;
  moveParticipant(participantId: string, groupId: string): Promise<void>;
  /** Blocks or unblocks a participant of this workshop; false when there is no such participant. */
  setParticipantBlocked(
    workshopId: string,
    participantId: string,
    blocked: boolean,
  ): Promise<boolean>;
  /**
   * Removes a participant of this workshop and every dot they hold, atomically; their token
   * finds nobody from then on. False when the workshop has no such participant.
   */
  removeParticipant(workshopId: string, participantId: string): Promise<boolean>;
  /**
   * Deletes a workshop and everything in it (groups, participants, documents, votes, snapshots),
   * leaving no copy of it in the database file; false if there was none.
   */
  deleteWorkshop(workshopId: string): Promise<boolean>;
  /** Workshops closed and unchanged since `closedBefore`, or unchanged at all since `untouchedBefore` (ms). */
  expiredWorkshops(limits: { closedBefore: number; untouchedBefore: number }): Promise<string[]>;

  loadDoc(workshopId: string, docName: string): Promise<StoredDoc>;
  /**
   * Resolves once the update is durably in the document's log. Calls for the same document
   * are stored in call order; a store may commit the calls of one event-loop turn together.
   */
  appendUpdate(workshopId: string, docName: string, update: Uint8Array): Promise<AppendResult>;
  /** Replaces the log up to `throughSeq` with one state row, atomically. */
  compactDoc(
    workshopId: string,
    docName: string,
    state: Uint8Array,
    throughSeq: number,
  ): Promise<void>;

  /** Checks the budget and records the vote atomically: racing casts never overspend. */
  castVote(request: VoteRequest): Promise<VoteOutcome>;
  /** Totals per target in one phase. */
  tallies(workshopId: string, phase: VotingPhase): Promise<Record<string, number>>;
  /** The participants who hold at least one vote in the phase. */
  voters(workshopId: string, phase: VotingPhase): Promise<string[]>;

  /**
   * Deletes every dot (of any participant, in any phase) on these targets, atomically, and
   * returns what it deleted: a card that is gone gives its dots back to their owners.
   */
  removeVotesOn(workshopId: string, targetIds: string[]): Promise<VoteRecord[]>;

  /** Every vote of a workshop (exports, snapshots). */
  allVotes(workshopId: string): Promise<VoteRecord[]>;
  /** Replaces every vote of a workshop at once (restore, import). */
  replaceVotes(workshopId: string, votes: VoteRecord[]): Promise<void>;

  saveSnapshot(snapshot: SnapshotRecord): Promise<void>;
  /** Snapshots of a workshop without their data, oldest first. */
  listSnapshots(workshopId: string): Promise<Omit<SnapshotRecord, 'data'>[]>;
  /** A snapshot of this workshop, or null (unknown, or another workshop's). */
  getSnapshot(workshopId: string, snapshotId: string): Promise<SnapshotRecord | null>;
  /**
   * Replaces the data of a snapshot (a participant withdrew their name and words: every copy of
   * them goes), leaving no trace of the old data in the file; false if there is no such snapshot.
   */
  replaceSnapshotData(workshopId: string, snapshotId: string, data: string): Promise<boolean>;

  close(): Promise<void>;
}
