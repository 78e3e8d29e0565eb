// The SQLite store's prepared statements and row shapes: the SQL of sqlite.ts, kept apart so that
// the store itself reads as what each method does.
import type Database from 'better-sqlite3';
import type { Row } from './rows.js';

export type Queries = ReturnType<typeof prepareQueries>;

export function prepareQueries(db: Database.Database) {
  return {
    insertWorkshop: db.prepare(
      `INSERT INTO workshops (id, code, title, language, vote_budget, phase, timer_ends_at, timer_freeze,
       votes_revealed, group_choice_locked, joining_locked, facilitator_key_hash, created_at, updated_at,
       notice, anonymity, moderation, private_writing, steps, round, profiles)
     VALUES (@id, @code, @title, @language, @voteBudget, @phase, @timerEndsAt, @timerFreeze,
       @votesRevealed, @groupChoiceLocked, @joiningLocked, @facilitatorKeyHash, @createdAt, @createdAt,
       @notice, @anonymity, @moderation, @privateWriting, @steps, @round, @profiles)`,
    ),
    insertGroup: db.prepare(
      `INSERT INTO groups (id, workshop_id, name, prompt, position, round, retired_round, parents, host_id)
       VALUES (@id, @workshopId, @name, @prompt, @position, @round, @retiredRound, @parents, @hostId)`,
    ),
    retireGroup: db.prepare('UPDATE groups SET retired_round = ? WHERE id = ?'),
    setGroupHost: db.prepare('UPDATE groups SET host_id = ? WHERE id = ?'),
    workshopById: db.prepare<[string], Row>('SELECT * FROM workshops WHERE id = ?'),
    deleteWorkshop: db.prepare('DELETE FROM workshops WHERE id = ?'),
    expiredWorkshops: db.prepare<[number, number], { id: string }>(
      `SELECT id FROM workshops WHERE (phase = 'closed' AND updated_at < ?) OR updated_at < ?`,
    ),
    workshopByCode: db.prepare<[string], Row>('SELECT * FROM workshops WHERE code = ?'),
    workshopByScreenKey: db.prepare<[string], Row>(
      'SELECT * FROM workshops WHERE screen_key_hash = ?',
    ),
    workshopByKey: db.prepare<[string], Row>(
      'SELECT * FROM workshops WHERE facilitator_key_hash = ?',
    ),
    groups: db.prepare<[string], Record<string, unknown>>(
      'SELECT * FROM groups WHERE workshop_id = ? ORDER BY position',
    ),
    insertParticipant: db.prepare(
      // The ordinal is the workshop's join counter (see countJoin, in the same transaction).
      `INSERT INTO participants (id, workshop_id, group_id, name, token_hash, created_at, ordinal, profile)
     VALUES (@id, @workshopId, @groupId, @name, @tokenHash, @createdAt,
       (SELECT participants_joined FROM workshops WHERE id = @workshopId), @profile)`,
    ),
    countJoin: db.prepare(
      'UPDATE workshops SET participants_joined = participants_joined + 1 WHERE id = ?',
    ),
    setBlocked: db.prepare('UPDATE participants SET blocked = ? WHERE workshop_id = ? AND id = ?'),
    participantByToken: db.prepare<[string], Row>(
      'SELECT * FROM participants WHERE token_hash = ?',
    ),
    participants: db.prepare<[string], Row>(
      'SELECT * FROM participants WHERE workshop_id = ? ORDER BY created_at, id',
    ),
    moveParticipant: db.prepare('UPDATE participants SET group_id = ? WHERE id = ?'),
    deleteParticipantVotes: db.prepare(
      'DELETE FROM votes WHERE workshop_id = ? AND participant_id = ?',
    ),
    deleteParticipant: db.prepare('DELETE FROM participants WHERE workshop_id = ? AND id = ?'),
    docState: db.prepare<[string, string], { state: Buffer }>(
      'SELECT state FROM doc_states WHERE workshop_id = ? AND doc_name = ?',
    ),
    docUpdates: db.prepare<[string, string], { seq: number; data: Buffer }>(
      'SELECT seq, data FROM doc_updates WHERE workshop_id = ? AND doc_name = ? ORDER BY seq',
    ),
    appendUpdate: db.prepare(
      'INSERT INTO doc_updates (workshop_id, doc_name, data) VALUES (?, ?, ?)',
    ),
    logLength: db.prepare<[string, string], { n: number }>(
      'SELECT count(*) AS n FROM doc_updates WHERE workshop_id = ? AND doc_name = ?',
    ),
    upsertState: db.prepare(
      `INSERT INTO doc_states (workshop_id, doc_name, state) VALUES (?, ?, ?)
     ON CONFLICT (workshop_id, doc_name) DO UPDATE SET state = excluded.state`,
    ),
    trimLog: db.prepare(
      'DELETE FROM doc_updates WHERE workshop_id = ? AND doc_name = ? AND seq <= ?',
    ),
    spent: db.prepare<[string, string], { n: number | null }>(
      'SELECT sum(count) AS n FROM votes WHERE participant_id = ? AND phase = ?',
    ),
    voteCount: db.prepare<[string, string, string], { count: number }>(
      'SELECT count FROM votes WHERE participant_id = ? AND phase = ? AND target_id = ?',
    ),
    upsertVote: db.prepare(
      `INSERT INTO votes (workshop_id, participant_id, phase, target_id, count) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (participant_id, phase, target_id) DO UPDATE SET count = count + 1`,
    ),
    decrementVote: db.prepare(
      'UPDATE votes SET count = count - 1 WHERE participant_id = ? AND phase = ? AND target_id = ?',
    ),
    deleteVote: db.prepare(
      'DELETE FROM votes WHERE participant_id = ? AND phase = ? AND target_id = ?',
    ),
    tallies: db.prepare<[string, string], { target_id: string; n: number }>(
      'SELECT target_id, sum(count) AS n FROM votes WHERE workshop_id = ? AND phase = ? GROUP BY target_id',
    ),
    voters: db.prepare<[string, string], { participant_id: string }>(
      'SELECT DISTINCT participant_id FROM votes WHERE workshop_id = ? AND phase = ? ORDER BY participant_id',
    ),
    allVotes: db.prepare<
      [string],
      { participant_id: string; phase: string; target_id: string; count: number }
    >(
      'SELECT participant_id, phase, target_id, count FROM votes WHERE workshop_id = ? ORDER BY participant_id, phase, target_id',
    ),
    deleteVotes: db.prepare('DELETE FROM votes WHERE workshop_id = ?'),
    votesOnTarget: db.prepare<
      [string, string],
      { participant_id: string; phase: string; count: number }
    >(
      'SELECT participant_id, phase, count FROM votes WHERE workshop_id = ? AND target_id = ? ORDER BY participant_id, phase',
    ),
    deleteVotesOnTarget: db.prepare('DELETE FROM votes WHERE workshop_id = ? AND target_id = ?'),
    insertVote: db.prepare(
      'INSERT INTO votes (workshop_id, participant_id, phase, target_id, count) VALUES (?, ?, ?, ?, ?)',
    ),
    insertSnapshot: db.prepare(
      'INSERT INTO snapshots (id, workshop_id, label, kind, created_at, data) VALUES (@id, @workshopId, @label, @kind, @createdAt, @data)',
    ),
    listSnapshots: db.prepare<
      [string],
      { id: string; workshop_id: string; label: string; kind: string; created_at: number }
    >(
      'SELECT id, workshop_id, label, kind, created_at FROM snapshots WHERE workshop_id = ? ORDER BY created_at, rowid',
    ),
    getSnapshot: db.prepare<
      [string, string],
      {
        id: string;
        workshop_id: string;
        label: string;
        kind: string;
        created_at: number;
        data: string;
      }
    >('SELECT * FROM snapshots WHERE workshop_id = ? AND id = ?'),
    replaceSnapshotData: db.prepare(
      'UPDATE snapshots SET data = ? WHERE workshop_id = ? AND id = ?',
    ),
  };
}
