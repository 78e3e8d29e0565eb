// Rows as records, for both stores: the column names of the schema (the same in SQLite and
// PostgreSQL, see migrations.ts and postgres-migrations.ts) turned into the Store's shapes. A flag
// is 0/1 in SQLite and a boolean in PostgreSQL; `flag` reads either. Fields at their defaults are
// absent from records, so records keep the shape they had before each extension.
import type { Anonymity } from '../../shared/anonymity.js';
import type { ModerationMode } from '../../shared/moderation.js';
import type { Phase, VotingPhase } from '../../shared/phases.js';
import type { Language } from '../../shared/schemas.js';
import { workshopRoundFields } from './rounds-columns.js';
import { stepsFromColumn } from './steps.js';
import type { ParticipantRecord, VoteRecord, WorkshopPatch, WorkshopRecord } from './store.js';

/** A row as the database driver hands it: column name → value. */
export type Row = Record<string, unknown>;

/** A flag column: SQLite's 0/1 or PostgreSQL's boolean. */
const flag = (value: unknown): boolean => value === 1 || value === true;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The column of each patchable workshop field (the one copy both stores' UPDATE use). */
export const WORKSHOP_COLUMNS: Record<keyof WorkshopPatch, string> = {
  phase: 'phase',
  timerEndsAt: 'timer_ends_at',
  timerFreeze: 'timer_freeze',
  votesRevealed: 'votes_revealed',
  groupChoiceLocked: 'group_choice_locked',
  joiningLocked: 'joining_locked',
  screenKeyHash: 'screen_key_hash',
  notice: 'notice',
  anonymity: 'anonymity',
  moderation: 'moderation',
  privateWriting: 'private_writing',
  round: 'round',
  profiles: 'profiles',
};

export function toWorkshop(row: Row): WorkshopRecord {
  const notice = text(row.notice);
  return {
    id: row.id as string,
    code: row.code as string,
    title: row.title as string,
    language: row.language as Language,
    voteBudget: row.vote_budget as number,
    phase: row.phase as Phase,
    timerEndsAt: (row.timer_ends_at as number | null) ?? null,
    timerFreeze: flag(row.timer_freeze),
    votesRevealed: flag(row.votes_revealed),
    groupChoiceLocked: flag(row.group_choice_locked),
    joiningLocked: flag(row.joining_locked),
    facilitatorKeyHash: row.facilitator_key_hash as string,
    screenKeyHash: text(row.screen_key_hash),
    createdAt: row.created_at as number,
    ...(notice !== null ? { notice } : {}),
    // Issue 16: the modes at their defaults (named, open) and private writing off are absent.
    ...(row.anonymity !== 'named' ? { anonymity: row.anonymity as Anonymity } : {}),
    ...(row.moderation !== 'open' ? { moderation: row.moderation as ModerationMode } : {}),
    ...(flag(row.private_writing) ? { privateWriting: true } : {}),
    ...stepsFromColumn(text(row.steps)),
    ...workshopRoundFields(row),
  };
}

export function toParticipant(row: Row): ParticipantRecord {
  const profile = text(row.profile);
  return {
    id: row.id as string,
    workshopId: row.workshop_id as string,
    groupId: row.group_id as string,
    name: row.name as string,
    tokenHash: row.token_hash as string,
    createdAt: row.created_at as number,
    ordinal: row.ordinal as number,
    ...(flag(row.blocked) ? { blocked: true } : {}),
    ...(profile !== null ? { profile } : {}),
  };
}

export const toVote = (row: Row): VoteRecord => ({
  participantId: row.participant_id as string,
  phase: row.phase as VotingPhase,
  targetId: row.target_id as string,
  count: row.count as number,
});
