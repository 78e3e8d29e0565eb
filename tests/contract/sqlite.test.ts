// The SQLite store against the store contract, in memory and on disk, plus what only a file
// store has: versioned migrations that run once.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../server/store/migrations.js';
import { waitFor } from '../helpers/wait.js';
import { createSqliteStore, migrate } from '../../server/store/sqlite.js';
import {
  describeStoreContract,
  groupRecords,
  participantRecord,
  workshopRecord,
} from './store.contract.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'atelier-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;
const freshFile = () => path.join(tmp, `db-${++files}`, 'atelier.sqlite');

describeStoreContract('SQLite in memory', async () => createSqliteStore(':memory:'));
describeStoreContract('SQLite file', async () => createSqliteStore(freshFile()));

describe('SQLite migrations', () => {
  it('a new database is migrated to the latest version, recorded in user_version', async () => {
    const file = freshFile();
    const store = createSqliteStore(file);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
      )
      .all()
      .map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'workshops',
        'groups',
        'participants',
        'doc_states',
        'doc_updates',
        'votes',
      ]),
    );
    db.close();
  });

  it('reopening a file keeps its data and does not run the migrations again', async () => {
    const file = freshFile();
    const first = createSqliteStore(file);
    const workshop = workshopRecord();
    const groups = groupRecords(workshop.id, ['A', 'B']);
    await first.createWorkshop(workshop, groups);
    const participant = participantRecord(workshop.id, groups[1]!.id);
    await first.addParticipant(participant);
    await first.appendUpdate(workshop.id, 'plenary', new Uint8Array([0, 0]));
    await first.close();

    // Running migration 1 again would fail on CREATE TABLE; reopening must simply work.
    const second = createSqliteStore(file);
    expect(await second.workshopById(workshop.id)).toEqual(workshop);
    expect(await second.participantByTokenHash(participant.tokenHash)).toEqual(participant);
    expect((await second.loadDoc(workshop.id, 'plenary')).updates).toHaveLength(1);
    await second.close();

    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('a database at an older version gets only the migrations it lacks', () => {
    const db = new Database(':memory:');
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare(
      "INSERT INTO workshops VALUES ('w', 'ACDEFG', 't', 'fr', 5, 'lobby', NULL, 0, 0, 0, 'k', 0)",
    ).run();
    db.prepare(
      "INSERT INTO groups (id, workshop_id, name, position) VALUES ('g', 'w', 'A', 0)",
    ).run();
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // The rows of version 1 are still there, with what later migrations added.
    expect(db.prepare('SELECT * FROM groups').all()).toEqual([
      {
        id: 'g',
        workshop_id: 'w',
        name: 'A',
        position: 0,
        prompt: '',
        round: 1,
        retired_round: null,
        parents: '[]',
        host_id: null,
      },
    ]);
    db.close();
  });

  it('the database directory is created when it does not exist', async () => {
    const file = path.join(tmp, 'nested', 'deeper', 'atelier.sqlite');
    const store = createSqliteStore(file);
    expect(await store.workshopById('x')).toBeNull();
    await store.close();
  });

  it('closing twice is harmless', async () => {
    const store = createSqliteStore(':memory:');
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe('SQLite deletion', () => {
  it('a deleted workshop leaves none of its words in the database file or its write-ahead log', async () => {
    const file = freshFile();
    const store = createSqliteStore(file);
    const workshop = workshopRecord({ title: 'Atelier-à-effacer-7f3a' });
    const groups = groupRecords(workshop.id, ['Groupe-à-effacer-7f3a']);
    await store.createWorkshop(workshop, groups);
    await store.addParticipant(
      participantRecord(workshop.id, groups[0]!.id, { name: 'Nom-à-effacer-7f3a' }),
    );
    const words = new TextEncoder().encode('Carte-à-effacer-7f3a');
    for (let i = 0; i < 50; i++) await store.appendUpdate(workshop.id, 'plenary', words);
    const present = () =>
      [file, `${file}-wal`]
        .filter((f) => existsSync(f))
        .some((f) => readFileSync(f).includes(Buffer.from('effacer-7f3a')));
    expect(present()).toBe(true);
    await store.deleteWorkshop(workshop.id);
    expect(present()).toBe(false);
    await store.close();
  });
});

describe('SQLite write path', () => {
  it('appends queued in the same turn all land, in order, before any of them resolves', async () => {
    const file = freshFile();
    const store = createSqliteStore(file);
    const workshop = workshopRecord();
    await store.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
    const results = await Promise.all(
      [1, 2, 3].map((n) => store.appendUpdate(workshop.id, 'plenary', new Uint8Array([n]))),
    );
    // A second connection sees them: they were committed before the promises resolved.
    const db = new Database(file, { readonly: true });
    const rows = db
      .prepare<[string], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM doc_updates WHERE workshop_id = ? ORDER BY seq',
      )
      .all(workshop.id);
    db.close();
    expect(rows.map((r) => [...r.data])).toEqual([[1], [2], [3]]);
    expect(results.map((r) => r.seq)).toEqual(rows.map((r) => r.seq));
    expect(results.map((r) => r.logLength)).toEqual([1, 2, 3]);
    await store.close();
  });

  it('an append that fails does not fail the appends around it', async () => {
    const store = createSqliteStore(freshFile());
    const workshop = workshopRecord();
    await store.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
    const good = store.appendUpdate(workshop.id, 'plenary', new Uint8Array([1]));
    // No such workshop: the foreign key refuses this row.
    const bad = store.appendUpdate('no-such-workshop', 'plenary', new Uint8Array([2]));
    const after = store.appendUpdate(workshop.id, 'plenary', new Uint8Array([3]));
    await expect(bad).rejects.toThrow(/FOREIGN KEY/);
    expect((await good).logLength).toBe(1);
    expect((await after).logLength).toBe(2);
    expect((await store.loadDoc(workshop.id, 'plenary')).updates.map((u) => [...u])).toEqual([
      [1],
      [3],
    ]);
    await store.close();
  });

  it('the write-ahead log is copied into the database file by the checkpoint thread, not by commits', async () => {
    const file = freshFile();
    const store = createSqliteStore(file);
    const workshop = workshopRecord();
    await store.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
    const before = statSync(file).size;
    // Enough single-update commits to pass SQLite's default automatic checkpoint (1000 pages).
    for (let i = 0; i < 1500; i++) {
      await store.appendUpdate(workshop.id, 'plenary', new Uint8Array(64).fill(i % 256));
    }
    // Nothing on the writer's connection copies pages into the database file any more…
    await waitFor(() => statSync(file).size > before, {
      timeout: 10_000,
      message: 'the database file to grow',
    });
    // …and a clean close leaves the database whole, with an empty write-ahead log.
    await store.close();
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
    const db = new Database(file, { readonly: true });
    expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM doc_updates').get()?.n).toBe(
      1500,
    );
    db.close();
  });

  it('appending to a closed store is refused', async () => {
    const store = createSqliteStore(freshFile());
    await store.close();
    await expect(store.appendUpdate('w', 'plenary', new Uint8Array([1]))).rejects.toThrow(/closed/);
  });
});
