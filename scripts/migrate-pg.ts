// npm run migrate:pg — copies every workshop (its row, groups, participants, documents with their
// compacted state and update log, votes, snapshots) from the SQLite file under DATA_DIR to the
// PostgreSQL database of DATABASE_URL. Run it with the server stopped. Idempotent: a workshop
// already in PostgreSQL is left alone (its copy may have lived on since), unless --replace is
// given, which replaces it with the SQLite copy. Each workshop is copied in one transaction.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig } from '../server/config.js';
import { migrate as migrateSqlite } from '../server/store/sqlite.js';
import { migratePostgres, postgresPool } from '../server/store/postgres-migrations.js';

export interface MigrationReport {
  copied: string[];
  skipped: string[];
  replaced: string[];
}

type Row = Record<string, unknown>;

/** Rows of `table` belonging to one workshop, in a stable order. */
function rowsOf(db: Database.Database, table: string, workshopId: string, order: string): Row[] {
  return db
    .prepare(`SELECT * FROM ${table} WHERE workshop_id = ? ORDER BY ${order}`)
    .all(workshopId) as Row[];
}

/** Inserts rows into a PostgreSQL table, the given columns in that order. */
async function insertAll(
  client: import('pg').PoolClient,
  table: string,
  columns: string[],
  rows: Row[],
  convert: (column: string, value: unknown) => unknown = (_, v) => v,
): Promise<void> {
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`;
  for (const row of rows)
    await client.query(
      sql,
      columns.map((c) => convert(c, row[c])),
    );
}

const BOOLEAN_COLUMNS = new Set([
  'timer_freeze',
  'votes_revealed',
  'group_choice_locked',
  'joining_locked',
  'blocked',
  'private_writing',
]);

export async function migrateSqliteToPostgres(options: {
  sqliteFile: string;
  url: string;
  /** Tables in this PostgreSQL schema (tests); unset: the server's search_path. */
  schema?: string;
  replace?: boolean;
}): Promise<MigrationReport> {
  if (!existsSync(options.sqliteFile))
    throw new Error(`no SQLite database at ${options.sqliteFile}`);
  const db = new Database(options.sqliteFile);
  const pool = postgresPool({ url: options.url, schema: options.schema, poolSize: 2 });
  const report: MigrationReport = { copied: [], skipped: [], replaced: [] };
  try {
    // The file may predate the latest SQLite migrations: bring it up to date first.
    migrateSqlite(db);
    const setup = await pool.connect();
    try {
      await migratePostgres(setup);
    } finally {
      setup.release();
    }
    const workshops = db.prepare('SELECT * FROM workshops ORDER BY created_at, id').all() as Row[];
    for (const workshop of workshops) {
      const id = workshop.id as string;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const present = (
          await client.query('SELECT 1 FROM workshops WHERE id = $1 FOR UPDATE', [id])
        ).rowCount;
        if (present && !options.replace) {
          await client.query('ROLLBACK');
          report.skipped.push(id);
          continue;
        }
        if (present) await client.query('DELETE FROM workshops WHERE id = $1', [id]);
        await insertAll(
          client,
          'workshops',
          [
            'id',
            'code',
            'title',
            'language',
            'vote_budget',
            'phase',
            'timer_ends_at',
            'timer_freeze',
            'votes_revealed',
            'group_choice_locked',
            'joining_locked',
            'facilitator_key_hash',
            'screen_key_hash',
            'created_at',
            'updated_at',
            'notice',
            // Issue 16: a workshop that hides names must stay so on PostgreSQL.
            'anonymity',
            'moderation',
            'participants_joined',
            // Issue 16: private writing under way, and the template's default durations.
            'private_writing',
            'steps',
          ],
          [workshop],
          (column, value) => (BOOLEAN_COLUMNS.has(column) ? value === 1 : value),
        );
        await insertAll(
          client,
          'groups',
          ['id', 'workshop_id', 'name', 'prompt', 'position'],
          rowsOf(db, 'groups', id, 'position, id'),
        );
        await insertAll(
          client,
          'participants',
          [
            'id',
            'workshop_id',
            'group_id',
            'name',
            'token_hash',
            'created_at',
            'ordinal',
            'blocked',
          ],
          rowsOf(db, 'participants', id, 'created_at, id'),
          (column, value) => (BOOLEAN_COLUMNS.has(column) ? value === 1 : value),
        );
        await insertAll(
          client,
          'doc_states',
          ['workshop_id', 'doc_name', 'state'],
          rowsOf(db, 'doc_states', id, 'doc_name'),
        );
        // The log keeps its order; PostgreSQL numbers it anew (seq is only ever compared within a store).
        await insertAll(
          client,
          'doc_updates',
          ['workshop_id', 'doc_name', 'data'],
          rowsOf(db, 'doc_updates', id, 'seq'),
        );
        await insertAll(
          client,
          'votes',
          ['workshop_id', 'participant_id', 'phase', 'target_id', 'count'],
          rowsOf(db, 'votes', id, 'participant_id, phase, target_id'),
        );
        // Saving order (rowid) becomes the order of the ord column.
        await insertAll(
          client,
          'snapshots',
          ['id', 'workshop_id', 'label', 'kind', 'created_at', 'data'],
          rowsOf(db, 'snapshots', id, 'created_at, rowid'),
        );
        await client.query('COMMIT');
        (present ? report.replaced : report.copied).push(id);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`workshop ${id}: ${(error as Error).message}`, { cause: error });
      } finally {
        client.release();
      }
    }
    return report;
  } finally {
    db.close();
    await pool.end();
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, { clientDir: path.resolve('dist/client') });
  if (!config.databaseUrl)
    throw new Error('DATABASE_URL is not set: where should the workshops go?');
  const replace = process.argv.includes('--replace');
  const report = await migrateSqliteToPostgres({
    sqliteFile: config.databaseFile,
    url: config.databaseUrl,
    replace,
  });
  process.stdout.write(
    `${config.databaseFile} → PostgreSQL: ${report.copied.length} copied, ${report.replaced.length} replaced, ` +
      `${report.skipped.length} already there (left alone${replace ? '' : '; --replace overwrites them'})\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`migrate:pg failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
