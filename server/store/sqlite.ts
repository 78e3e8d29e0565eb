// The embedded SQLite store (better-sqlite3, WAL). SQL lives only in store/. Every call runs
// synchronously inside the process, so each method is atomic; the async signature is the
// interface's, shared with stores that do real I/O. A Yjs append is one small transaction
// (~20 µs, no fsync in WAL mode with synchronous = NORMAL); the one slow disk operation, the WAL
// checkpoint with its fsyncs, runs in a worker thread (checkpointer.ts), off the event loop.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Phase, VotingPhase } from '../../shared/phases.js';
import type { Language } from '../../shared/schemas.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { MIGRATIONS } from './migrations.js';
import type {
  AppendResult,
  GroupRecord,
  ParticipantRecord,
  Store,
  StoredDoc,
  SnapshotRecord,
  VoteOutcome,
  VoteRecord,
  VoteRequest,
  WorkshopPatch,
  WorkshopRecord,
} from './store.js';

interface WorkshopRow {
  id: string;
  code: string;
  title: string;
  language: string;
  vote_budget: number;
  phase: string;
  timer_ends_at: number | null;
  timer_freeze: number;
  votes_revealed: number;
  group_choice_locked: number;
  joining_locked: number;
  facilitator_key_hash: string;
  screen_key_hash: string | null;
  created_at: number;
  notice: string | null;
}

interface ParticipantRow {
  id: string;
  workshop_id: string;
  group_id: string;
  name: string;
  token_hash: string;
  created_at: number;
}

function toWorkshop(row: WorkshopRow): WorkshopRecord {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    language: row.language as Language,
    voteBudget: row.vote_budget,
    phase: row.phase as Phase,
    timerEndsAt: row.timer_ends_at,
    timerFreeze: row.timer_freeze === 1,
    votesRevealed: row.votes_revealed === 1,
    groupChoiceLocked: row.group_choice_locked === 1,
    joiningLocked: row.joining_locked === 1,
    facilitatorKeyHash: row.facilitator_key_hash,
    screenKeyHash: row.screen_key_hash,
    createdAt: row.created_at,
    // Absent rather than null: records without a notice keep the shape they had before it.
    ...(row.notice !== null ? { notice: row.notice } : {}),
  };
}

function toParticipant(row: ParticipantRow): ParticipantRecord {
  return {
    id: row.id,
    workshopId: row.workshop_id,
    groupId: row.group_id,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
  };
}

/** Applies the migrations the database has not seen yet; returns the resulting version. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return MIGRATIONS.length;
}

/** `file` is a path, or ':memory:' for tests. Creates the directory when needed. */
export function createSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives any crash of the process (the contract's durability promise);
  // only a power loss can lose the last transactions, which FULL would cost an fsync each.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten with zeros, not left in free pages: a deleted workshop leaves
  // nothing of its people's words in the file (see deleteWorkshop for the WAL).
  db.pragma('secure_delete = ON');
  migrate(db);
  // Checkpoints leave the event loop for a worker thread (see checkpointer.ts); if the worker
  // dies, SQLite's own automatic checkpoints come back.
  let checkpointer: Checkpointer | null = null;
  if (file !== ':memory:') {
    db.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer(file, () => {
      checkpointer = null;
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
  }

  const q = {
    insertWorkshop: db.prepare(
      `INSERT INTO workshops (id, code, title, language, vote_budget, phase, timer_ends_at, timer_freeze,
         votes_revealed, group_choice_locked, joining_locked, facilitator_key_hash, created_at, updated_at,
         notice)
       VALUES (@id, @code, @title, @language, @voteBudget, @phase, @timerEndsAt, @timerFreeze,
         @votesRevealed, @groupChoiceLocked, @joiningLocked, @facilitatorKeyHash, @createdAt, @createdAt,
         @notice)`,
    ),
    insertGroup: db.prepare(
      'INSERT INTO groups (id, workshop_id, name, prompt, position) VALUES (@id, @workshopId, @name, @prompt, @position)',
    ),
    workshopById: db.prepare<[string], WorkshopRow>('SELECT * FROM workshops WHERE id = ?'),
    deleteWorkshop: db.prepare('DELETE FROM workshops WHERE id = ?'),
    expiredWorkshops: db.prepare<[number, number], { id: string }>(
      `SELECT id FROM workshops WHERE (phase = 'closed' AND updated_at < ?) OR updated_at < ?`,
    ),
    workshopByCode: db.prepare<[string], WorkshopRow>('SELECT * FROM workshops WHERE code = ?'),
    workshopByScreenKey: db.prepare<[string], WorkshopRow>(
      'SELECT * FROM workshops WHERE screen_key_hash = ?',
    ),
    workshopByKey: db.prepare<[string], WorkshopRow>(
      'SELECT * FROM workshops WHERE facilitator_key_hash = ?',
    ),
    groups: db.prepare<
      [string],
      { id: string; workshop_id: string; name: string; prompt: string; position: number }
    >('SELECT * FROM groups WHERE workshop_id = ? ORDER BY position'),
    insertParticipant: db.prepare(
      `INSERT INTO participants (id, workshop_id, group_id, name, token_hash, created_at)
       VALUES (@id, @workshopId, @groupId, @name, @tokenHash, @createdAt)`,
    ),
    participantByToken: db.prepare<[string], ParticipantRow>(
      'SELECT * FROM participants WHERE token_hash = ?',
    ),
    participants: db.prepare<[string], ParticipantRow>(
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

  const createWorkshopTx = db.transaction((workshop: WorkshopRecord, groups: GroupRecord[]) => {
    q.insertWorkshop.run({
      ...workshop,
      timerFreeze: workshop.timerFreeze ? 1 : 0,
      votesRevealed: workshop.votesRevealed ? 1 : 0,
      groupChoiceLocked: workshop.groupChoiceLocked ? 1 : 0,
      joiningLocked: workshop.joiningLocked ? 1 : 0,
      notice: workshop.notice ?? null,
    });
    for (const group of groups) q.insertGroup.run(group);
  });

  // Log lengths per document, counted once and then kept in step: a keystroke's append must not
  // scan the log (this process is the only writer of its database).
  const logLengths = new Map<string, number>();
  const logKey = (workshopId: string, docName: string) => `${workshopId}\u0000${docName}`;
  const countLog = (workshopId: string, docName: string) =>
    q.logLength.get(workshopId, docName)?.n ?? 0;

  const appendOne = (workshopId: string, docName: string, update: Uint8Array): AppendResult => {
    const info = q.appendUpdate.run(workshopId, docName, update);
    const key = logKey(workshopId, docName);
    const known = logLengths.get(key);
    const logLength = known === undefined ? countLog(workshopId, docName) : known + 1;
    logLengths.set(key, logLength);
    return { seq: Number(info.lastInsertRowid), logLength };
  };
  const appendTx = db.transaction(appendOne);

  const compactTx = db.transaction(
    (workshopId: string, docName: string, state: Uint8Array, throughSeq: number) => {
      q.upsertState.run(workshopId, docName, state);
      q.trimLog.run(workshopId, docName, throughSeq);
      // Updates appended after `throughSeq` stay in the log: count what is left.
      logLengths.set(logKey(workshopId, docName), countLog(workshopId, docName));
    },
  );

  const voteTx = db.transaction((r: VoteRequest): VoteOutcome => {
    const spent = q.spent.get(r.participantId, r.phase)?.n ?? 0;
    if (r.delta === 1) {
      if (spent >= r.budget) return { ok: false, reason: 'budget_exhausted' };
      q.upsertVote.run(r.workshopId, r.participantId, r.phase, r.targetId);
      return { ok: true, remaining: r.budget - spent - 1 };
    }
    const current = q.voteCount.get(r.participantId, r.phase, r.targetId)?.count ?? 0;
    if (current <= 0) return { ok: false, reason: 'nothing_to_withdraw' };
    // The last dot deletes the row: decrementing it to 0 would break CHECK (count > 0).
    if (current === 1) q.deleteVote.run(r.participantId, r.phase, r.targetId);
    else q.decrementVote.run(r.participantId, r.phase, r.targetId);
    return { ok: true, remaining: r.budget - spent + 1 };
  });

  const replaceVotesTx = db.transaction((workshopId: string, votes: VoteRecord[]) => {
    q.deleteVotes.run(workshopId);
    for (const v of votes) {
      if (v.count > 0) q.insertVote.run(workshopId, v.participantId, v.phase, v.targetId, v.count);
    }
  });

  const removeParticipantTx = db.transaction(
    (workshopId: string, participantId: string): boolean => {
      q.deleteParticipantVotes.run(workshopId, participantId);
      return q.deleteParticipant.run(workshopId, participantId).changes > 0;
    },
  );

  const removeVotesOnTx = db.transaction(
    (workshopId: string, targetIds: string[]): VoteRecord[] => {
      const removed: VoteRecord[] = [];
      for (const targetId of new Set(targetIds)) {
        for (const row of q.votesOnTarget.all(workshopId, targetId)) {
          removed.push({
            participantId: row.participant_id,
            phase: row.phase as VotingPhase,
            targetId,
            count: row.count,
          });
        }
        q.deleteVotesOnTarget.run(workshopId, targetId);
      }
      return removed;
    },
  );

  const columns: Record<keyof WorkshopPatch, string> = {
    phase: 'phase',
    timerEndsAt: 'timer_ends_at',
    timerFreeze: 'timer_freeze',
    votesRevealed: 'votes_revealed',
    groupChoiceLocked: 'group_choice_locked',
    joiningLocked: 'joining_locked',
    screenKeyHash: 'screen_key_hash',
    notice: 'notice',
  };

  return {
    async createWorkshop(workshop, groups) {
      createWorkshopTx(workshop, groups);
    },
    async workshopById(id) {
      const row = q.workshopById.get(id);
      return row ? toWorkshop(row) : null;
    },
    async workshopByCode(code) {
      const row = q.workshopByCode.get(code);
      return row ? toWorkshop(row) : null;
    },
    async workshopByScreenKeyHash(keyHash) {
      const row = q.workshopByScreenKey.get(keyHash);
      return row ? toWorkshop(row) : null;
    },
    async workshopByFacilitatorKeyHash(keyHash) {
      const row = q.workshopByKey.get(keyHash);
      return row ? toWorkshop(row) : null;
    },
    async updateWorkshop(id, patch) {
      const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [
        keyof WorkshopPatch,
        unknown,
      ][];
      if (entries.length > 0) {
        const sets = entries.map(([key]) => `${columns[key]} = ?`).join(', ');
        const values = entries.map(([, v]) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
        db.prepare(`UPDATE workshops SET ${sets}, updated_at = ? WHERE id = ?`).run(
          ...values,
          Date.now(),
          id,
        );
      }
      const row = q.workshopById.get(id);
      return row ? toWorkshop(row) : null;
    },
    async groups(workshopId) {
      return q.groups.all(workshopId).map((row) => ({
        id: row.id,
        workshopId: row.workshop_id,
        name: row.name,
        prompt: row.prompt,
        position: row.position,
      }));
    },
    async addParticipant(participant) {
      q.insertParticipant.run(participant);
    },
    async participantByTokenHash(tokenHash) {
      const row = q.participantByToken.get(tokenHash);
      return row ? toParticipant(row) : null;
    },
    async participants(workshopId) {
      return q.participants.all(workshopId).map(toParticipant);
    },
    async moveParticipant(participantId, groupId) {
      q.moveParticipant.run(groupId, participantId);
    },
    async deleteWorkshop(workshopId) {
      const deleted = q.deleteWorkshop.run(workshopId).changes > 0;
      for (const key of logLengths.keys())
        if (key.startsWith(`${workshopId}/`)) logLengths.delete(key);
      // The WAL still holds the pages as they were before: fold it into the file (where the
      // rows are now zeros) and empty it.
      if (deleted && file !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)');
      return deleted;
    },
    async expiredWorkshops({ closedBefore, untouchedBefore }) {
      return q.expiredWorkshops.all(closedBefore, untouchedBefore).map((row) => row.id);
    },
    async removeParticipant(workshopId, participantId) {
      return removeParticipantTx.immediate(workshopId, participantId);
    },
    async loadDoc(workshopId, docName): Promise<StoredDoc> {
      const state = q.docState.get(workshopId, docName)?.state ?? null;
      const rows = q.docUpdates.all(workshopId, docName);
      return {
        state: state ? new Uint8Array(state) : null,
        updates: rows.map((row) => new Uint8Array(row.data)),
        lastSeq: rows.at(-1)?.seq ?? 0,
      };
    },
    async appendUpdate(workshopId, docName, update) {
      if (!db.open) throw new Error('the store is closed');
      try {
        return appendTx(workshopId, docName, update);
      } catch (error) {
        // The transaction rolled back: the length counted inside it is ahead.
        logLengths.delete(logKey(workshopId, docName));
        throw error;
      }
    },
    async compactDoc(workshopId, docName, state, throughSeq) {
      compactTx(workshopId, docName, state, throughSeq);
    },
    async castVote(request) {
      return voteTx.immediate(request);
    },
    async tallies(workshopId, phase) {
      return Object.fromEntries(
        q.tallies.all(workshopId, phase).map((row) => [row.target_id, row.n]),
      );
    },
    async voters(workshopId, phase) {
      return q.voters.all(workshopId, phase).map((row) => row.participant_id);
    },
    async allVotes(workshopId): Promise<VoteRecord[]> {
      return q.allVotes.all(workshopId).map((row) => ({
        participantId: row.participant_id,
        phase: row.phase as VotingPhase,
        targetId: row.target_id,
        count: row.count,
      }));
    },
    async removeVotesOn(workshopId, targetIds) {
      return targetIds.length === 0 ? [] : removeVotesOnTx.immediate(workshopId, targetIds);
    },
    async replaceVotes(workshopId, votes) {
      replaceVotesTx(workshopId, votes);
    },
    async saveSnapshot(snapshot) {
      q.insertSnapshot.run(snapshot);
    },
    async listSnapshots(workshopId) {
      return q.listSnapshots.all(workshopId).map((row) => ({
        id: row.id,
        workshopId: row.workshop_id,
        label: row.label,
        kind: row.kind as SnapshotRecord['kind'],
        createdAt: row.created_at,
      }));
    },
    async getSnapshot(workshopId, snapshotId) {
      const row = q.getSnapshot.get(workshopId, snapshotId);
      return row
        ? {
            id: row.id,
            workshopId: row.workshop_id,
            label: row.label,
            kind: row.kind as SnapshotRecord['kind'],
            createdAt: row.created_at,
            data: row.data,
          }
        : null;
    },
    async replaceSnapshotData(workshopId, snapshotId, data) {
      // secure_delete overwrites the old row's pages; the WAL's copy goes at the next checkpoint.
      return q.replaceSnapshotData.run(data, workshopId, snapshotId).changes > 0;
    },
    async close() {
      if (!db.open) return;
      const worker = checkpointer;
      checkpointer = null;
      await worker?.stop();
      // The last checkpoint, on this connection: the database file is whole without its WAL.
      if (file !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
