// The PostgreSQL store (node-postgres, one Pool): the Store contract over a server database, for
// DATABASE_URL deployments. Same semantics as the SQLite store (sqlite.ts); what SQLite gets from
// running every call inside one process, this store gets from transactions and row locks, so
// that several processes may share the database (docs/architecture.md, "PostgreSQL").
import type pg from 'pg';
import {
  migratePostgres,
  postgresPool,
  translate,
  type PostgresStoreOptions,
} from './postgres-migrations.js';
import { toParticipant, toVote, toWorkshop, type Row } from './rows.js';
import {
  applyWrite,
  codeTaken,
  insertParticipant,
  replaceVoteRows,
  updateWorkshopRow,
} from './postgres-writes.js';
import type {
  AppendResult,
  Store,
  StoredDoc,
  SnapshotRecord,
  VoteOutcome,
  WriteOutcome,
} from './store.js';
import { groupFromRow } from './rounds-columns.js';
import { recordWrites, type Write } from './unit-of-work.js';

export type { PostgresStoreOptions };
export { migratePostgres, postgresPool };

export interface PostgresStore extends Store {
  /**
   * Settles once the schema is migrated; every method waits for it. A failed attempt (server not
   * reachable yet) rejects the calls waiting on it, and the next call tries again.
   */
  readonly ready: Promise<void>;
}

const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Updates written by one statement at most (a burst on one document waits for the next one). */
const MAX_BATCH = 256;

interface PendingAppend {
  data: Buffer;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}
interface AppendQueue {
  workshopId: string;
  docName: string;
  pending: PendingAppend[];
  /** Resolves when the queue has drained (loadDoc and close wait for it). */
  drained: Promise<void>;
}

// The document's advisory lock is taken before its rows get their seq and held to the commit:
// one document's rows commit in seq order, whichever process appends them, so a process reading
// the log after seq N (server/store/postgres-log.ts) can never miss a row below N committed later.
const APPEND_SQL = `
  WITH lock AS (
    SELECT pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2::text, 0))
  ), before AS (
    SELECT count(*) AS n FROM lock, doc_updates
     WHERE workshop_id = $1::text AND doc_name = $2::text
  ), ins AS (
    INSERT INTO doc_updates (workshop_id, doc_name, data)
    SELECT $1::text, $2::text, u.data FROM lock, unnest($3::bytea[]) WITH ORDINALITY AS u(data, i)
    ORDER BY u.i
    RETURNING seq
  )
  SELECT ins.seq, before.n FROM ins, before ORDER BY ins.seq`;

export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const pool = postgresPool(options);
  let closed = false;
  const migrate = async () => {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  };
  // A database that is down when the process starts must not leave the store broken for good:
  // the calls waiting on a failed attempt fail, the next call starts a new one.
  let attempt = migrate();
  let failed = false;
  const watch = (current: Promise<void>) =>
    current.catch(() => {
      if (attempt === current) failed = true;
    });
  void watch(attempt);
  const ensureReady = (): Promise<void> => {
    if (failed) {
      failed = false;
      attempt = migrate();
      void watch(attempt);
    }
    return attempt;
  };

  async function query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    await ensureReady();
    try {
      return await pool.query<R>(text, values);
    } catch (error) {
      throw translate(error);
    }
  }

  async function transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await ensureReady();
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw translate(error);
    } finally {
      client.release(broken);
    }
  }

  // Appends: one queue per document, one statement in flight per queue, so a document's updates
  // get their seq in call order; the calls that arrive while a statement runs go in the next one.
  const queues = new Map<string, AppendQueue>();
  const docKey = (workshopId: string, docName: string) => `${workshopId}\u0000${docName}`;

  async function drain(key: string, queue: AppendQueue): Promise<void> {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0, MAX_BATCH);
      try {
        const { rows } = await query<{ seq: number; n: number }>(APPEND_SQL, [
          queue.workshopId,
          queue.docName,
          batch.map((b) => b.data),
        ]);
        batch.forEach((b, i) => b.resolve({ seq: rows[i]!.seq, logLength: rows[i]!.n + i + 1 }));
      } catch (error) {
        // A batch holds one document, hence one workshop: a foreign-key failure is all of it.
        for (const b of batch) b.reject(error);
      }
    }
    queues.delete(key);
  }

  const idle = async (key: string) => {
    await queues.get(key)?.drained;
  };

  /** Recorded writes in one transaction: all of them, or none (ROLLBACK on the first failure). */
  async function commit(writes: Write[]): Promise<WriteOutcome> {
    try {
      await transaction(async (c) => {
        for (const write of writes) await applyWrite(c, write);
      });
      return { ok: true };
    } catch (error) {
      if (codeTaken(error)) return { ok: false, reason: 'code_taken' };
      throw error;
    }
  }

  const oneWorkshop = async (where: string, value: string) => {
    const { rows } = await query<Row>(`SELECT * FROM workshops WHERE ${where} = $1`, [value]);
    return rows[0] ? toWorkshop(rows[0]) : null;
  };

  return {
    get ready() {
      return ensureReady();
    },
    async createWorkshop(workshop, groups) {
      return commit([{ kind: 'createWorkshop', workshop, groups }]);
    },
    async transaction(fn) {
      return commit(recordWrites(fn));
    },
    workshopById: (id) => oneWorkshop('id', id),
    workshopByCode: (code) => oneWorkshop('code', code),
    workshopByFacilitatorKeyHash: (hash) => oneWorkshop('facilitator_key_hash', hash),
    workshopByScreenKeyHash: (hash) => oneWorkshop('screen_key_hash', hash),
    async updateWorkshop(id, patch) {
      await ensureReady();
      try {
        const row = await updateWorkshopRow<Row>(pool, id, patch);
        return row ? toWorkshop(row) : null;
      } catch (error) {
        throw translate(error);
      }
    },
    async groups(workshopId) {
      const { rows } = await query(
        'SELECT * FROM groups WHERE workshop_id = $1 ORDER BY position',
        [workshopId],
      );
      return rows.map(groupFromRow);
    },
    async addParticipant(p) {
      await ensureReady();
      await insertParticipant(pool, p).catch((error: unknown) => {
        throw translate(error);
      });
    },
    async setParticipantBlocked(workshopId, participantId, blocked) {
      const { rowCount } = await query(
        'UPDATE participants SET blocked = $3 WHERE workshop_id = $1 AND id = $2',
        [workshopId, participantId, blocked],
      );
      return (rowCount ?? 0) > 0;
    },
    async participantByTokenHash(tokenHash) {
      const { rows } = await query('SELECT * FROM participants WHERE token_hash = $1', [tokenHash]);
      return rows[0] ? toParticipant(rows[0]) : null;
    },
    async participants(workshopId) {
      const { rows } = await query(
        'SELECT * FROM participants WHERE workshop_id = $1 ORDER BY created_at, id',
        [workshopId],
      );
      return rows.map(toParticipant);
    },
    async moveParticipant(participantId, groupId) {
      await query('UPDATE participants SET group_id = $2 WHERE id = $1', [participantId, groupId]);
    },
    async removeParticipant(workshopId, participantId) {
      // One statement: the participant's dots go with them (ON DELETE CASCADE), atomically.
      const { rowCount } = await query(
        'DELETE FROM participants WHERE workshop_id = $1 AND id = $2',
        [workshopId, participantId],
      );
      return (rowCount ?? 0) > 0;
    },
    async deleteWorkshop(workshopId) {
      // Groups, participants, documents, votes and snapshots cascade in the same statement. Dead
      // rows stay in the table files until (auto)vacuum reuses them: see docs/architecture.md.
      const { rowCount } = await query('DELETE FROM workshops WHERE id = $1', [workshopId]);
      return (rowCount ?? 0) > 0;
    },
    async expiredWorkshops({ closedBefore, untouchedBefore }) {
      const { rows } = await query(
        `SELECT id FROM workshops WHERE (phase = 'closed' AND updated_at < $1) OR updated_at < $2`,
        [closedBefore, untouchedBefore],
      );
      return rows.map((row) => row.id as string);
    },
    async loadDoc(workshopId, docName): Promise<StoredDoc> {
      // This process's appends to the document land first (SQLite's are synchronous); one
      // statement reads state and log from one snapshot, whatever another process compacts.
      await idle(docKey(workshopId, docName));
      const { rows } = await query<{ seq: number | null; data: Buffer }>(
        `SELECT NULL::bigint AS seq, state AS data FROM doc_states WHERE workshop_id = $1 AND doc_name = $2
         UNION ALL
         SELECT seq, data FROM doc_updates WHERE workshop_id = $1 AND doc_name = $2
         ORDER BY seq NULLS FIRST`,
        [workshopId, docName],
      );
      const state = rows[0]?.seq === null ? new Uint8Array(rows.shift()!.data) : null;
      return {
        state,
        updates: rows.map((row) => new Uint8Array(row.data)),
        lastSeq: rows.at(-1)?.seq ?? 0,
      };
    },
    appendUpdate(workshopId, docName, update) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      const key = docKey(workshopId, docName);
      let queue = queues.get(key);
      return new Promise<AppendResult>((resolve, reject) => {
        if (!queue) {
          queue = { workshopId, docName, pending: [], drained: Promise.resolve() };
          queues.set(key, queue);
          const started = queue;
          // Started after this turn's microtasks: the calls of one turn share a statement.
          started.drained = new Promise<void>((done) => queueMicrotask(done)).then(() =>
            drain(key, started),
          );
        }
        queue.pending.push({ data: bytes(update), resolve, reject });
      });
    },
    async compactDoc(workshopId, docName, state, throughSeq) {
      await transaction(async (c) => {
        await c.query(
          `INSERT INTO doc_states (workshop_id, doc_name, state) VALUES ($1, $2, $3)
           ON CONFLICT (workshop_id, doc_name) DO UPDATE SET state = excluded.state`,
          [workshopId, docName, bytes(state)],
        );
        await c.query(
          'DELETE FROM doc_updates WHERE workshop_id = $1 AND doc_name = $2 AND seq <= $3',
          [workshopId, docName, throughSeq],
        );
      });
    },
    castVote(r) {
      return transaction(async (c): Promise<VoteOutcome> => {
        // The participant's row lock serialises their votes across every process: the budget
        // read below cannot be spent by another transaction before this one commits.
        await c.query('SELECT 1 FROM participants WHERE id = $1 FOR UPDATE', [r.participantId]);
        const spent = (
          await c.query<{ n: number }>(
            'SELECT coalesce(sum(count), 0)::int AS n FROM votes WHERE participant_id = $1 AND phase = $2',
            [r.participantId, r.phase],
          )
        ).rows[0]!.n;
        if (r.delta === 1) {
          if (spent >= r.budget) return { ok: false, reason: 'budget_exhausted' };
          await c.query(
            `INSERT INTO votes (workshop_id, participant_id, phase, target_id, count) VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (participant_id, phase, target_id) DO UPDATE SET count = votes.count + 1`,
            [r.workshopId, r.participantId, r.phase, r.targetId],
          );
          return { ok: true, remaining: r.budget - spent - 1 };
        }
        const key = [r.participantId, r.phase, r.targetId];
        const current =
          (
            await c.query<{ count: number }>(
              'SELECT count FROM votes WHERE participant_id = $1 AND phase = $2 AND target_id = $3',
              key,
            )
          ).rows[0]?.count ?? 0;
        if (current <= 0) return { ok: false, reason: 'nothing_to_withdraw' };
        // The last dot deletes the row: decrementing it to 0 would break CHECK (count > 0).
        await c.query(
          current === 1
            ? 'DELETE FROM votes WHERE participant_id = $1 AND phase = $2 AND target_id = $3'
            : 'UPDATE votes SET count = count - 1 WHERE participant_id = $1 AND phase = $2 AND target_id = $3',
          key,
        );
        return { ok: true, remaining: r.budget - spent + 1 };
      });
    },
    async tallies(workshopId, phase) {
      const { rows } = await query<{ target_id: string; n: number }>(
        'SELECT target_id, sum(count)::int AS n FROM votes WHERE workshop_id = $1 AND phase = $2 GROUP BY target_id',
        [workshopId, phase],
      );
      return Object.fromEntries(rows.map((row) => [row.target_id, row.n]));
    },
    async voters(workshopId, phase) {
      const { rows } = await query(
        'SELECT DISTINCT participant_id FROM votes WHERE workshop_id = $1 AND phase = $2 ORDER BY participant_id',
        [workshopId, phase],
      );
      return rows.map((row) => row.participant_id as string);
    },
    async allVotes(workshopId) {
      const { rows } = await query(
        `SELECT participant_id, phase, target_id, count FROM votes WHERE workshop_id = $1
         ORDER BY participant_id, phase, target_id`,
        [workshopId],
      );
      return rows.map(toVote);
    },
    async removeVotesOn(workshopId, targetIds) {
      if (targetIds.length === 0) return [];
      // One statement, hence atomic; ordered as SQLite returns them (by target as asked, then owner).
      const { rows } = await query(
        'DELETE FROM votes WHERE workshop_id = $1 AND target_id = ANY($2::text[]) RETURNING participant_id, phase, target_id, count',
        [workshopId, [...new Set(targetIds)]],
      );
      const order = [...new Set(targetIds)];
      return rows
        .map(toVote)
        .sort(
          (a, b) =>
            order.indexOf(a.targetId) - order.indexOf(b.targetId) ||
            Number(a.participantId > b.participantId) - Number(a.participantId < b.participantId) ||
            Number(a.phase > b.phase) - Number(a.phase < b.phase),
        );
    },
    async replaceVotes(workshopId, votes) {
      await transaction((c) => replaceVoteRows(c, workshopId, votes));
    },
    async saveSnapshot(s) {
      await query(
        'INSERT INTO snapshots (id, workshop_id, label, kind, created_at, data) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.id, s.workshopId, s.label, s.kind, s.createdAt, s.data],
      );
    },
    async listSnapshots(workshopId) {
      const { rows } = await query(
        'SELECT id, workshop_id, label, kind, created_at FROM snapshots WHERE workshop_id = $1 ORDER BY created_at, ord',
        [workshopId],
      );
      return rows.map((row) => ({
        id: row.id as string,
        workshopId: row.workshop_id as string,
        label: row.label as string,
        kind: row.kind as SnapshotRecord['kind'],
        createdAt: row.created_at as number,
      }));
    },
    async getSnapshot(workshopId, snapshotId) {
      const { rows } = await query(
        'SELECT id, workshop_id, label, kind, created_at, data FROM snapshots WHERE workshop_id = $1 AND id = $2',
        [workshopId, snapshotId],
      );
      const row = rows[0];
      return row
        ? {
            id: row.id as string,
            workshopId: row.workshop_id as string,
            label: row.label as string,
            kind: row.kind as SnapshotRecord['kind'],
            createdAt: row.created_at as number,
            data: row.data as string,
          }
        : null;
    },
    async replaceSnapshotData(workshopId, snapshotId, data) {
      const { rowCount } = await query(
        'UPDATE snapshots SET data = $3 WHERE workshop_id = $1 AND id = $2',
        [workshopId, snapshotId, data],
      );
      return (rowCount ?? 0) > 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Appends already accepted are written before the connections go.
      await Promise.all([...queues.values()].map((q) => q.drained));
      await attempt.catch(() => undefined);
      await pool.end();
    },
  };
}
