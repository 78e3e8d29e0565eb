// The SQLite store against the store contract, in memory and on disk, plus what only a file
// store has: versioned migrations that run once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../server/store/migrations.js';
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
      { id: 'g', workshop_id: 'w', name: 'A', position: 0, prompt: '' },
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
