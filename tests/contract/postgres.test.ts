// The PostgreSQL store against the store contract, each test in a fresh schema, plus what only a
// shared server database has: migrations under a lock, two stores (two processes) at once.
// The server: TEST_DATABASE_URL, or the throwaway cluster of tests/helpers/postgres-cluster.ts.
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres.js';
import { PG_MIGRATIONS } from '../../server/store/postgres-migrations.js';
import type { Store } from '../../server/store/store.js';
import {
  describeStoreContract,
  groupRecords,
  participantRecord,
  workshopRecord,
} from './store.contract.js';

const url = inject('postgresUrl');
let admin: pg.Pool;

beforeAll(() => {
  // Not skipped: a run without a server fails here, saying why.
  if (!url) throw new Error(`no PostgreSQL for the tests: ${inject('postgresMissing')}`);
  admin = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(async () => {
  await admin?.end();
});

let schemas = 0;
async function freshSchema(): Promise<string> {
  const schema = `t_${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  return schema;
}

/** A store in its own schema; closing it drops the schema. */
async function freshStore(schema?: string): Promise<PostgresStore> {
  const name = schema ?? (await freshSchema());
  const store = createPostgresStore({ url: url!, schema: name, poolSize: 4 });
  await store.ready;
  return {
    ...store,
    async close() {
      await store.close();
      if (!schema) await admin.query(`DROP SCHEMA ${name} CASCADE`);
    },
  };
}

describeStoreContract('PostgreSQL', async (): Promise<Store> => freshStore());

describe('PostgreSQL migrations', () => {
  it('a new schema is migrated to the latest version, each version recorded once', async () => {
    const schema = await freshSchema();
    const store = await freshStore(schema);
    await store.close();
    const { rows } = await admin.query(
      `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    const tables = await admin.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'workshops',
        'groups',
        'participants',
        'doc_states',
        'doc_updates',
        'votes',
        'snapshots',
      ]),
    );
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('two stores starting together on an empty schema both work; data survives a reopening', async () => {
    const schema = await freshSchema();
    // Without the advisory lock, both would run CREATE TABLE and one would fail.
    const [a, b] = await Promise.all([freshStore(schema), freshStore(schema)]);
    const workshop = workshopRecord();
    await a.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
    expect(await b.workshopById(workshop.id)).toEqual(workshop);
    await Promise.all([a.close(), b.close()]);
    const again = await freshStore(schema);
    expect(await again.workshopById(workshop.id)).toEqual(workshop);
    await again.close();
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM ${schema}.schema_migrations`,
    );
    expect(rows[0].n).toBe(PG_MIGRATIONS.length);
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('a store started before its server is reachable fails its calls, then works once it is', async () => {
    const schema = await freshSchema();
    const target = new URL(url!);
    // A port nobody listens on yet; then a relay to the real server listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const relayed = new URL(url!);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(port);
    const store = createPostgresStore({ url: relayed.toString(), schema });
    await expect(store.workshopById('x')).rejects.toThrow();
    await expect(store.ready).rejects.toThrow();
    const relay = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    try {
      const workshop = workshopRecord();
      await store.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
      expect(await store.workshopById(workshop.id)).toEqual(workshop);
    } finally {
      await store.close();
      relay.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});

describe('PostgreSQL: two processes on one database', () => {
  let schema: string;
  let a: PostgresStore;
  let b: PostgresStore;
  beforeAll(async () => {
    schema = await freshSchema();
    [a, b] = [await freshStore(schema), await freshStore(schema)];
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    if (schema) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('votes cast through two stores at once never exceed the budget (the participant row lock)', async () => {
    const workshop = workshopRecord();
    const groups = groupRecords(workshop.id, ['A']);
    await a.createWorkshop(workshop, groups);
    const p = participantRecord(workshop.id, groups[0]!.id);
    await a.addParticipant(p);
    const cast = (store: Store, n: number) =>
      store.castVote({
        workshopId: workshop.id,
        participantId: p.id,
        phase: 'vote',
        targetId: `g/r${n % 3}`,
        delta: 1,
        budget: 7,
      });
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, n) => cast(n % 2 === 0 ? a : b, n)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(7);
    const remaining = outcomes.flatMap((o) => (o.ok ? [o.remaining] : [])).sort();
    expect(remaining).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const total = Object.values(await b.tallies(workshop.id, 'vote')).reduce((s, n) => s + n, 0);
    expect(total).toBe(7);
  });

  it("one store's appends are loaded by the other, in order, and compaction keeps later updates", async () => {
    const workshop = workshopRecord();
    await a.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
    const first = await Promise.all(
      [1, 2, 3].map((n) => a.appendUpdate(workshop.id, 'plenary', new Uint8Array([n]))),
    );
    expect(first.map((r) => r.logLength)).toEqual([1, 2, 3]);
    expect(first[1]!.seq).toBeGreaterThan(first[0]!.seq);
    expect(first[2]!.seq).toBeGreaterThan(first[1]!.seq);
    const fourth = await b.appendUpdate(workshop.id, 'plenary', new Uint8Array([4]));
    expect(fourth.logLength).toBe(4);
    await a.compactDoc(workshop.id, 'plenary', new Uint8Array([9]), first[2]!.seq);
    expect(await b.loadDoc(workshop.id, 'plenary')).toEqual({
      state: new Uint8Array([9]),
      updates: [new Uint8Array([4])],
      lastSeq: fourth.seq,
    });
  });
});

describe('PostgreSQL write path and errors', () => {
  it('an append to an unknown workshop is refused by the foreign key; other documents are not', async () => {
    const store = await freshStore();
    const workshop = workshopRecord();
    await store.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
    const good = store.appendUpdate(workshop.id, 'plenary', new Uint8Array([1]));
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

  it('a duplicate code is an outcome, code_taken, not error words for the services to read', async () => {
    const store = await freshStore();
    const first = workshopRecord();
    await store.createWorkshop(first, groupRecords(first.id, ['A']));
    const twin = workshopRecord({ code: first.code });
    expect(await store.createWorkshop(twin, groupRecords(twin.id, ['A']))).toEqual({
      ok: false,
      reason: 'code_taken',
    });
    // The transaction rolled back: not even the twin's groups were written.
    expect(await store.groups(twin.id)).toEqual([]);
    await store.close();
  });

  it('appends accepted before close are written; appending after close is refused', async () => {
    const schema = await freshSchema();
    const store = await freshStore(schema);
    const workshop = workshopRecord();
    await store.createWorkshop(workshop, groupRecords(workshop.id, ['A']));
    const pending = [1, 2].map((n) =>
      store.appendUpdate(workshop.id, 'plenary', new Uint8Array([n])),
    );
    await store.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(2);
    await expect(store.appendUpdate(workshop.id, 'plenary', new Uint8Array([3]))).rejects.toThrow(
      /closed/,
    );
    const reopened = await freshStore(schema);
    expect((await reopened.loadDoc(workshop.id, 'plenary')).updates).toHaveLength(2);
    await reopened.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  });
});
