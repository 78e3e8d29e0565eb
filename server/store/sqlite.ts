// The embedded SQLite store (better-sqlite3, WAL). SQL lives only in store/. Every call runs
// synchronously inside the process, so each method is atomic; the async signature is the
// interface's, shared with stores that do real I/O. A Yjs append is one small transaction
// (~20 µs, no fsync in WAL mode with synchronous = NORMAL); the one slow disk operation, the WAL
// checkpoint with its fsyncs, runs in a worker thread (checkpointer.ts), off the event loop.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { VotingPhase } from '../../shared/phases.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { MIGRATIONS } from './migrations.js';
import { toParticipant, toWorkshop, WORKSHOP_COLUMNS } from './rows.js';
import { prepareQueries } from './sqlite-queries.js';
import { groupColumns, groupFromRow, listToColumn } from './rounds-columns.js';
import { stepsToColumn } from './steps.js';
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
  WriteOutcome,
} from './store.js';
import { recordWrites, type Write } from './unit-of-work.js';

/** The one conflict a caller acts on: another workshop holds this code (the caller draws again). */
function codeTaken(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.endsWith('workshops.code')
  );
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

  const q = prepareQueries(db);

  const insertWorkshop = (workshop: WorkshopRecord, groups: GroupRecord[]) => {
    q.insertWorkshop.run({
      ...workshop,
      timerFreeze: workshop.timerFreeze ? 1 : 0,
      votesRevealed: workshop.votesRevealed ? 1 : 0,
      groupChoiceLocked: workshop.groupChoiceLocked ? 1 : 0,
      joiningLocked: workshop.joiningLocked ? 1 : 0,
      notice: workshop.notice ?? null,
      anonymity: workshop.anonymity ?? 'named',
      moderation: workshop.moderation ?? 'open',
      privateWriting: workshop.privateWriting ? 1 : 0,
      steps: stepsToColumn(workshop.steps),
      round: workshop.round ?? 1,
      profiles: listToColumn(workshop.profiles),
    });
    for (const group of groups) q.insertGroup.run(groupColumns(group));
  };
  // The ordinal comes from the workshop's counter, moved on in the same transaction.
  const insertParticipant = db.transaction((participant: ParticipantRecord) => {
    const { id, workshopId, groupId, name, tokenHash, createdAt } = participant;
    const profile = participant.profile ?? null;
    q.insertParticipant.run({ id, workshopId, groupId, name, tokenHash, createdAt, profile });
    q.countJoin.run(workshopId);
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

  const replaceVotes = (workshopId: string, votes: VoteRecord[]) => {
    q.deleteVotes.run(workshopId);
    for (const v of votes) {
      if (v.count > 0) q.insertVote.run(workshopId, v.participantId, v.phase, v.targetId, v.count);
    }
  };

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

  const updateWorkshop = (id: string, patch: WorkshopPatch) => {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [
      keyof WorkshopPatch,
      unknown,
    ][];
    if (entries.length === 0) return;
    const sets = entries.map(([key]) => `${WORKSHOP_COLUMNS[key]} = ?`).join(', ');
    const values = entries.map(([, v]) =>
      typeof v === 'boolean' ? (v ? 1 : 0) : Array.isArray(v) ? JSON.stringify(v) : v,
    );
    db.prepare(`UPDATE workshops SET ${sets}, updated_at = ? WHERE id = ?`).run(
      ...values,
      Date.now(),
      id,
    );
  };

  const apply = (write: Write) => {
    switch (write.kind) {
      case 'createWorkshop':
        return insertWorkshop(write.workshop, write.groups);
      case 'addParticipant':
        return insertParticipant(write.participant);
      case 'updateWorkshop':
        return updateWorkshop(write.id, write.patch);
      case 'replaceVotes':
        return replaceVotes(write.workshopId, write.votes);
      case 'addGroup':
        return q.insertGroup.run(groupColumns(write.group));
      case 'updateGroup':
        if (write.patch.retiredRound !== undefined)
          q.retireGroup.run(write.patch.retiredRound, write.id);
        if (write.patch.hostId !== undefined) q.setGroupHost.run(write.patch.hostId, write.id);
        return;
      case 'moveParticipant':
        return q.moveParticipant.run(write.groupId, write.participantId);
    }
  };
  /** Writes in one IMMEDIATE transaction (SQLite rolls every one back if any fails). */
  const applyAll = db.transaction((writes: Write[]) => {
    for (const write of writes) apply(write);
  });
  const commit = (writes: Write[]): WriteOutcome => {
    try {
      applyAll.immediate(writes);
      return { ok: true };
    } catch (error) {
      if (codeTaken(error)) return { ok: false, reason: 'code_taken' };
      throw error;
    }
  };

  return {
    async createWorkshop(workshop, groups) {
      return commit([{ kind: 'createWorkshop', workshop, groups }]);
    },
    async transaction(fn) {
      return commit(recordWrites(fn));
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
      updateWorkshop(id, patch);
      const row = q.workshopById.get(id);
      return row ? toWorkshop(row) : null;
    },
    async groups(workshopId) {
      return q.groups.all(workshopId).map(groupFromRow);
    },
    async addParticipant(participant) {
      insertParticipant(participant);
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
    async setParticipantBlocked(workshopId, participantId, blocked) {
      return q.setBlocked.run(blocked ? 1 : 0, workshopId, participantId).changes > 0;
    },
    async deleteWorkshop(workshopId) {
      const deleted = q.deleteWorkshop.run(workshopId).changes > 0;
      for (const key of logLengths.keys())
        if (key.startsWith(logKey(workshopId, ''))) logLengths.delete(key);
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
      commit([{ kind: 'replaceVotes', workshopId, votes }]);
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
