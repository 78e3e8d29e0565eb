// The PostgreSQL store's row writes that a unit of work may hold (create a workshop, add a
// participant, patch a workshop, replace the votes), each on the client of the transaction it
// runs in, and the one conflict a caller acts on: a workshop code already in use.
import pg from 'pg';
import type {
  GroupPatch,
  GroupRecord,
  ParticipantRecord,
  VoteRecord,
  WorkshopPatch,
  WorkshopRecord,
} from './store.js';
import { groupColumns, listToColumn } from './rounds-columns.js';
import { stepsToColumn } from './steps.js';
import type { Write } from './unit-of-work.js';
import { WORKSHOP_COLUMNS } from './rows.js';

/** A pool (one statement) or a transaction's client. */
type Queryable = pg.Pool | pg.ClientBase;

/** Another workshop holds this code (unique_violation on the code's constraint). */
export function codeTaken(error: unknown): boolean {
  return (
    error instanceof pg.DatabaseError &&
    error.code === '23505' &&
    error.constraint === 'workshops_code_key'
  );
}

export async function insertWorkshop(
  c: Queryable,
  w: WorkshopRecord,
  groups: GroupRecord[],
): Promise<void> {
  await c.query(
    `INSERT INTO workshops (id, code, title, language, vote_budget, phase, timer_ends_at,
       timer_freeze, votes_revealed, group_choice_locked, joining_locked, facilitator_key_hash,
       screen_key_hash, created_at, updated_at, notice, anonymity, moderation, private_writing, steps,
       round, profiles)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18,
       $19, $20, $21)`,
    [
      w.id,
      w.code,
      w.title,
      w.language,
      w.voteBudget,
      w.phase,
      w.timerEndsAt,
      w.timerFreeze,
      w.votesRevealed,
      w.groupChoiceLocked,
      w.joiningLocked,
      w.facilitatorKeyHash,
      w.screenKeyHash,
      w.createdAt,
      w.notice ?? null,
      w.anonymity ?? 'named',
      w.moderation ?? 'open',
      w.privateWriting === true,
      stepsToColumn(w.steps),
      w.round ?? 1,
      listToColumn(w.profiles),
    ],
  );
  for (const g of groups) await insertGroup(c, g);
}

export async function insertGroup(c: Queryable, group: GroupRecord): Promise<void> {
  const g = groupColumns(group);
  await c.query(
    `INSERT INTO groups (id, workshop_id, name, prompt, position, round, retired_round, parents, host_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      g.id,
      g.workshopId,
      g.name,
      g.prompt,
      g.position,
      g.round,
      g.retiredRound,
      g.parents,
      g.hostId,
    ],
  );
}

async function updateGroup(c: Queryable, id: string, patch: GroupPatch): Promise<void> {
  if (patch.retiredRound !== undefined)
    await c.query('UPDATE groups SET retired_round = $2 WHERE id = $1', [id, patch.retiredRound]);
  if (patch.hostId !== undefined)
    await c.query('UPDATE groups SET host_id = $2 WHERE id = $1', [id, patch.hostId]);
}

export async function insertParticipant(c: Queryable, p: ParticipantRecord): Promise<void> {
  // One statement: the ordinal is the workshop's join counter, moved on under its row lock, so
  // that concurrent joins (from any process) never share one and a removal frees none.
  await c.query(
    `WITH joined AS (
       UPDATE workshops SET participants_joined = participants_joined + 1 WHERE id = $2
       RETURNING participants_joined - 1 AS ordinal)
     INSERT INTO participants (id, workshop_id, group_id, name, token_hash, created_at, ordinal,
       profile)
     SELECT $1, $2, $3, $4, $5, $6, ordinal, $7 FROM joined`,
    [p.id, p.workshopId, p.groupId, p.name, p.tokenHash, p.createdAt, p.profile ?? null],
  );
}

/** Patches the workshop; the row as it is after (null if there is none). */
export async function updateWorkshopRow<R extends pg.QueryResultRow>(
  c: Queryable,
  id: string,
  patch: WorkshopPatch,
): Promise<R | null> {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [
    keyof WorkshopPatch,
    unknown,
  ][];
  if (entries.length === 0) {
    const { rows } = await c.query<R>('SELECT * FROM workshops WHERE id = $1', [id]);
    return rows[0] ?? null;
  }
  const sets = entries.map(([key], i) => `${WORKSHOP_COLUMNS[key]} = $${i + 3}`).join(', ');
  const { rows } = await c.query<R>(
    `UPDATE workshops SET ${sets}, updated_at = $2 WHERE id = $1 RETURNING *`,
    [id, Date.now(), ...entries.map(([, v]) => (Array.isArray(v) ? JSON.stringify(v) : v))],
  );
  return rows[0] ?? null;
}

/** Every vote of the workshop replaced by these (in the caller's transaction). */
export async function replaceVoteRows(
  c: Queryable,
  workshopId: string,
  votes: VoteRecord[],
): Promise<void> {
  const kept = votes.filter((v) => v.count > 0);
  await c.query('DELETE FROM votes WHERE workshop_id = $1', [workshopId]);
  if (kept.length === 0) return;
  await c.query(
    `INSERT INTO votes (workshop_id, participant_id, phase, target_id, count)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[])`,
    [
      workshopId,
      kept.map((v) => v.participantId),
      kept.map((v) => v.phase),
      kept.map((v) => v.targetId),
      kept.map((v) => v.count),
    ],
  );
}

/** One recorded write, on the transaction's client. */
export async function applyWrite(c: Queryable, write: Write): Promise<void> {
  switch (write.kind) {
    case 'createWorkshop':
      return insertWorkshop(c, write.workshop, write.groups);
    case 'addParticipant':
      return insertParticipant(c, write.participant);
    case 'updateWorkshop':
      await updateWorkshopRow(c, write.id, write.patch);
      return;
    case 'replaceVotes':
      return replaceVoteRows(c, write.workshopId, write.votes);
    case 'addGroup':
      return insertGroup(c, write.group);
    case 'updateGroup':
      return updateGroup(c, write.id, write.patch);
    case 'moveParticipant':
      await c.query('UPDATE participants SET group_id = $2 WHERE id = $1', [
        write.participantId,
        write.groupId,
      ]);
      return;
  }
}
