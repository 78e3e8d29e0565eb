// The PostgreSQL store's rows as records: column names and types of postgres-migrations.ts's
// schema turned into the Store's shapes, as sqlite-queries.ts does for SQLite.
import type { Anonymity } from '../../shared/anonymity.js';
import type { ModerationMode } from '../../shared/moderation.js';
import type { Phase, VotingPhase } from '../../shared/phases.js';
import type { Language } from '../../shared/schemas.js';
import type { VoteRecord, WorkshopRecord } from './store.js';
import { workshopRoundFields } from './rounds-columns.js';
import { stepsFromColumn } from './steps.js';

export interface WorkshopRow {
  id: string;
  code: string;
  title: string;
  language: string;
  vote_budget: number;
  phase: string;
  timer_ends_at: number | null;
  timer_freeze: boolean;
  votes_revealed: boolean;
  group_choice_locked: boolean;
  joining_locked: boolean;
  facilitator_key_hash: string;
  screen_key_hash: string | null;
  created_at: number;
  notice: string | null;
  anonymity: string;
  moderation: string;
  private_writing: boolean;
  steps: string | null;
  round: number;
  profiles: string;
}

export function toWorkshop(row: WorkshopRow): WorkshopRecord {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    language: row.language as Language,
    voteBudget: row.vote_budget,
    phase: row.phase as Phase,
    timerEndsAt: row.timer_ends_at,
    timerFreeze: row.timer_freeze,
    votesRevealed: row.votes_revealed,
    groupChoiceLocked: row.group_choice_locked,
    joiningLocked: row.joining_locked,
    facilitatorKeyHash: row.facilitator_key_hash,
    screenKeyHash: row.screen_key_hash,
    createdAt: row.created_at,
    // Absent rather than null, as in the SQLite store.
    ...(row.notice !== null ? { notice: row.notice } : {}),
    // Absent when at their defaults (named, open), as in the SQLite store.
    ...(row.anonymity !== 'named' ? { anonymity: row.anonymity as Anonymity } : {}),
    ...(row.moderation !== 'open' ? { moderation: row.moderation as ModerationMode } : {}),
    // Issue 16's controls, absent when off or none, as in the SQLite store.
    ...(row.private_writing ? { privateWriting: true } : {}),
    ...stepsFromColumn(row.steps),
    ...workshopRoundFields(row),
  };
}

export const toParticipant = (row: Record<string, unknown>) => ({
  id: row.id as string,
  workshopId: row.workshop_id as string,
  groupId: row.group_id as string,
  name: row.name as string,
  tokenHash: row.token_hash as string,
  createdAt: row.created_at as number,
  ordinal: row.ordinal as number,
  ...(row.blocked === true ? { blocked: true } : {}),
  ...(typeof row.profile === 'string' ? { profile: row.profile } : {}),
});

export const toVote = (row: Record<string, unknown>): VoteRecord => ({
  participantId: row.participant_id as string,
  phase: row.phase as VotingPhase,
  targetId: row.target_id as string,
  count: row.count as number,
});
