// npm run migrate:pg: every workshop of a SQLite file lands in PostgreSQL as it was (rows, documents,
// votes, snapshots, retention clock), a second run changes nothing, --replace brings later changes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres.js';
import { createSqliteStore } from '../../server/store/sqlite.js';
import type { Store } from '../../server/store/store.js';
import { groupRecords, participantRecord, workshopRecord } from '../contract/store.contract.js';

const base = inject('postgresUrl');
const database = `mig_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-migrate-'));
const sqliteFile = path.join(dataDir, 'atelier.sqlite');
let admin: pg.Client;
let databaseUrl: string;

beforeAll(async () => {
  if (!base) throw new Error(`no PostgreSQL for the tests: ${inject('postgresMissing')}`);
  admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  databaseUrl = url.toString();
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

/** The script as an operator runs it. */
async function runScript(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/migrate-pg.ts', ...args],
    { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl } },
  );
  return stdout;
}

/** Everything the Store says about a workshop, minus log positions (each store numbers its own). */
async function everything(store: Store, workshopId: string, docs: string[]) {
  const snapshots = await store.listSnapshots(workshopId);
  return {
    workshop: await store.workshopById(workshopId),
    groups: await store.groups(workshopId),
    participants: await store.participants(workshopId),
    docs: await Promise.all(
      docs.map(async (name) => {
        const { state, updates } = await store.loadDoc(workshopId, name);
        return { state: state && [...state], updates: updates.map((u) => [...u]) };
      }),
    ),
    votes: await store.allVotes(workshopId),
    snapshots: await Promise.all(snapshots.map((s) => store.getSnapshot(workshopId, s.id))),
  };
}

describe('migrate:pg', () => {
  it('copies every workshop whole, is idempotent, and --replace brings later changes', async () => {
    const sqlite = createSqliteStore(sqliteFile);
    const first = workshopRecord({
      notice: 'Vos données restent ici.',
      screenKeyHash: 'screen-1',
      // Issue 16: a workshop that hides names must hide them on PostgreSQL too.
      anonymity: 'everyone',
      moderation: 'inbox',
      // Issue 16: private writing under way, and the template's default durations.
      privateWriting: true,
      steps: [{ phase: 'write', minutes: 25 }],
    });
    const second = workshopRecord({ phase: 'closed', votesRevealed: true, timerEndsAt: 1234 });
    const groups = groupRecords(first.id, ['Eau', 'Énergie']);
    await sqlite.createWorkshop(first, groups);
    await sqlite.createWorkshop(second, groupRecords(second.id, ['Seul']));
    const ana = participantRecord(first.id, groups[0]!.id, { name: 'Ana' });
    const bob = participantRecord(first.id, groups[1]!.id, {
      name: 'Bob',
      createdAt: 1_700_000_000_001,
    });
    await sqlite.addParticipant(ana);
    await sqlite.addParticipant(bob);
    await sqlite.setParticipantBlocked(first.id, bob.id, true);
    let last = 0;
    for (let i = 1; i <= 4; i++)
      last = (await sqlite.appendUpdate(first.id, 'plenary', new Uint8Array([i, i]))).seq;
    await sqlite.compactDoc(first.id, 'plenary', new Uint8Array([9, 9, 9]), last - 1);
    await sqlite.appendUpdate(first.id, `group-${groups[1]!.id}`, new Uint8Array([7]));
    for (const target of ['g/r1', 'g/r1', 'g/r2'])
      await sqlite.castVote({
        workshopId: first.id,
        participantId: ana.id,
        phase: 'vote',
        targetId: target,
        delta: 1,
        budget: 5,
      });
    await sqlite.castVote({
      workshopId: first.id,
      participantId: bob.id,
      phase: 'prioritise',
      targetId: 'plenary/i1',
      delta: 1,
      budget: 3,
    });
    for (const label of ['b', 'a'])
      await sqlite.saveSnapshot({
        id: `s-${label}`,
        workshopId: first.id,
        label,
        kind: 'manual',
        createdAt: 5,
        data: `{"l":"${label}"}`,
      });
    await sqlite.updateWorkshop(first.id, { phase: 'vote' });
    const docs = ['plenary', `group-${groups[1]!.id}`, 'never-written'];
    const expected = [
      await everything(sqlite, first.id, docs),
      await everything(sqlite, second.id, ['plenary']),
    ];
    await sqlite.close();

    expect(await runScript()).toMatch(/2 copied, 0 replaced, 0 already there/);
    const postgres = createPostgresStore({ url: databaseUrl });
    expect([
      await everything(postgres, first.id, docs),
      await everything(postgres, second.id, ['plenary']),
    ]).toEqual(expected);
    // The retention clock (updated_at) travels too: the same workshops expire on both sides.
    const limits = { closedBefore: Date.now() + 1000, untouchedBefore: 1_700_000_000_000 + 1 };
    expect(await postgres.expiredWorkshops(limits)).toEqual([second.id]);
    // The copied participant row lock and budget work on the PostgreSQL side.
    expect(
      await postgres.castVote({
        workshopId: first.id,
        participantId: ana.id,
        phase: 'vote',
        targetId: 'g/r3',
        delta: 1,
        budget: 4,
      }),
    ).toEqual({ ok: true, remaining: 0 });
    // Join ordinals go on from where SQLite left them (pseudonyms are never reused).
    const chloe = participantRecord(first.id, groups[0]!.id, { name: 'Chloé' });
    await postgres.addParticipant(chloe);
    expect((await postgres.participantByTokenHash(chloe.tokenHash))?.ordinal).toBe(2);
    expect((await postgres.participantByTokenHash(bob.tokenHash))?.blocked).toBe(true);
    expect((await postgres.workshopById(first.id))?.anonymity).toBe('everyone');
    expect(await postgres.workshopById(first.id)).toMatchObject({
      privateWriting: true,
      steps: [{ phase: 'write', minutes: 25 }],
    });

    // A second run finds both and leaves them alone: nothing doubled, the new dot kept.
    expect(await runScript()).toMatch(/0 copied, 0 replaced, 2 already there/);
    const plenary = await postgres.loadDoc(first.id, 'plenary');
    expect(plenary.updates).toHaveLength(1);
    expect((await postgres.allVotes(first.id)).length).toBe(expected[0]!.votes.length + 1);

    // A change made on the SQLite side after the first copy comes over with --replace.
    const db = new Database(sqliteFile);
    db.prepare('UPDATE workshops SET title = ? WHERE id = ?').run('Titre changé', first.id);
    db.close();
    expect(await runScript('--replace')).toMatch(/0 copied, 2 replaced, 0 already there/);
    expect((await postgres.workshopById(first.id))?.title).toBe('Titre changé');
    expect(await postgres.allVotes(first.id)).toEqual(expected[0]!.votes);
    expect((await postgres.loadDoc(first.id, 'plenary')).updates).toHaveLength(1);
    await postgres.close();
  });

  it('without DATABASE_URL it stops and says why', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/migrate-pg.ts'],
      {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      },
    );
    await expect(run).rejects.toMatchObject({
      stderr: expect.stringContaining('DATABASE_URL is not set'),
    });
  });
});
