// How the PostgreSQL store opens its database: the pool's settings, the versioned schema
// migrations and the translation of constraint errors. Each migration runs once, in order, inside
// a transaction that also records it in `schema_migrations`; processes starting together take an
// advisory lock first, so only one of them migrates. Never edit a shipped migration: add one.
// The schema mirrors SQLite's (migrations.ts) at its version 8, in one step: the SQLite history
// predates this store. Ids and hashes are `text COLLATE "C"` so that ORDER BY sorts bytewise, as
// SQLite does, whatever the database's locale.
import pg from 'pg';

export const PG_MIGRATIONS: readonly string[] = [
  // 1: workshops, groups, participants, Yjs documents (state + update log), dot votes, snapshots.
  `
  CREATE TABLE workshops (
    id text COLLATE "C" PRIMARY KEY,
    code text COLLATE "C" NOT NULL UNIQUE,
    title text NOT NULL,
    language text NOT NULL,
    vote_budget integer NOT NULL,
    phase text NOT NULL,
    timer_ends_at bigint,
    timer_freeze boolean NOT NULL DEFAULT false,
    votes_revealed boolean NOT NULL DEFAULT false,
    group_choice_locked boolean NOT NULL DEFAULT false,
    joining_locked boolean NOT NULL DEFAULT false,
    facilitator_key_hash text COLLATE "C" NOT NULL UNIQUE,
    screen_key_hash text COLLATE "C" UNIQUE,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    notice text
  );
  CREATE INDEX workshops_by_update ON workshops (updated_at);
  CREATE TABLE groups (
    id text COLLATE "C" PRIMARY KEY,
    workshop_id text COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    name text NOT NULL,
    prompt text NOT NULL DEFAULT '',
    position integer NOT NULL
  );
  CREATE INDEX groups_by_workshop ON groups (workshop_id, position);
  CREATE TABLE participants (
    id text COLLATE "C" PRIMARY KEY,
    workshop_id text COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    group_id text COLLATE "C" NOT NULL REFERENCES groups (id),
    name text NOT NULL,
    token_hash text COLLATE "C" NOT NULL UNIQUE,
    created_at bigint NOT NULL
  );
  CREATE INDEX participants_by_workshop ON participants (workshop_id, created_at);
  CREATE INDEX participants_by_group ON participants (group_id);
  CREATE TABLE doc_states (
    workshop_id text COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    doc_name text COLLATE "C" NOT NULL,
    state bytea NOT NULL,
    PRIMARY KEY (workshop_id, doc_name)
  );
  CREATE TABLE doc_updates (
    seq bigserial PRIMARY KEY,
    workshop_id text COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    doc_name text COLLATE "C" NOT NULL,
    data bytea NOT NULL
  );
  CREATE INDEX doc_updates_by_doc ON doc_updates (workshop_id, doc_name, seq);
  CREATE TABLE votes (
    workshop_id text COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    participant_id text COLLATE "C" NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    phase text COLLATE "C" NOT NULL,
    target_id text COLLATE "C" NOT NULL,
    count integer NOT NULL CHECK (count > 0),
    PRIMARY KEY (participant_id, phase, target_id)
  );
  CREATE INDEX votes_by_workshop ON votes (workshop_id, phase);
  CREATE INDEX votes_by_target ON votes (workshop_id, target_id);
  CREATE TABLE snapshots (
    id text COLLATE "C" PRIMARY KEY,
    -- Saving order: snapshots of the same millisecond list in the order they were saved.
    ord bigserial NOT NULL,
    workshop_id text COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    label text NOT NULL,
    kind text NOT NULL,
    created_at bigint NOT NULL,
    data text NOT NULL
  );
  CREATE INDEX snapshots_by_workshop ON snapshots (workshop_id, created_at, ord);
  `,
  // 2: anonymity and moderation (issue 16), as SQLite's migration 9: the workshop mode of each, a
  // participant ordinal in join order for stable pseudonyms (never reused: a counter on the
  // workshop), and blocking.
  `
  ALTER TABLE workshops ADD COLUMN anonymity text NOT NULL DEFAULT 'named';
  ALTER TABLE workshops ADD COLUMN moderation text NOT NULL DEFAULT 'open';
  ALTER TABLE workshops ADD COLUMN participants_joined integer NOT NULL DEFAULT 0;
  ALTER TABLE participants ADD COLUMN ordinal integer NOT NULL DEFAULT 0;
  ALTER TABLE participants ADD COLUMN blocked boolean NOT NULL DEFAULT false;
  UPDATE participants SET ordinal = ranked.ordinal
  FROM (
    SELECT id, (row_number() OVER (PARTITION BY workshop_id ORDER BY created_at, id) - 1)::int AS ordinal
    FROM participants
  ) AS ranked
  WHERE participants.id = ranked.id;
  UPDATE workshops SET participants_joined =
    (SELECT count(*) FROM participants WHERE workshop_id = workshops.id);
  `,
  // 3: the facilitator's controls (issue 16), as SQLite's migration 10: private writing, and the
  // phases with their default durations from the workshop's template (JSON text; null: none).
  `
  ALTER TABLE workshops ADD COLUMN private_writing boolean NOT NULL DEFAULT false;
  ALTER TABLE workshops ADD COLUMN steps text;
  `,
  // 4: rounds (issue 17), as SQLite's migration 11.
  `
  ALTER TABLE workshops ADD COLUMN round integer NOT NULL DEFAULT 1;
  ALTER TABLE workshops ADD COLUMN profiles text NOT NULL DEFAULT '[]';
  ALTER TABLE groups ADD COLUMN round integer NOT NULL DEFAULT 1;
  ALTER TABLE groups ADD COLUMN retired_round integer;
  ALTER TABLE groups ADD COLUMN parents text NOT NULL DEFAULT '[]';
  ALTER TABLE groups ADD COLUMN host_id text;
  ALTER TABLE participants ADD COLUMN profile text;
  `,
];

export interface PostgresStoreOptions {
  /** A postgres:// connection string. */
  url: string;
  /** Tables live in this schema (tests: one schema each); unset: the server's search_path. */
  schema?: string;
  /** Connections at most (default 10; appends of one document use one at a time, see postgres.ts). */
  poolSize?: number;
}

/** Key of the advisory lock under which one process at a time migrates the database. */
const MIGRATION_LOCK = 7_411_203;

// bigint columns (epoch ms, seq, count(*)) come back as numbers: every value Atelier stores is
// far below 2^53. Per pool, so that no other pg user in the process is affected.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Gives constraint failures the words of SQLite's messages ("UNIQUE constraint failed", …), so
 * that both stores fail with the same words in the logs. No caller reads them: a conflict a
 * caller acts on is an outcome (`code_taken`, see postgres-writes.ts).
 */
export function translate(error: unknown): unknown {
  if (error instanceof pg.DatabaseError) {
    const what =
      error.code === '23505'
        ? 'UNIQUE'
        : error.code === '23503'
          ? 'FOREIGN KEY'
          : error.code === '23514'
            ? 'CHECK'
            : null;
    if (what) error.message = `${what} constraint failed: ${error.message}`;
  }
  return error;
}

/** Applies the migrations the database lacks, under an advisory lock; returns the version. */
export async function migratePostgres(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
    );
    const { rows } = await client.query<{ v: number }>(
      'SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations',
    );
    for (let version = rows[0]!.v; version < PG_MIGRATIONS.length; version++) {
      await client.query(PG_MIGRATIONS[version]!);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        version + 1,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
    return PG_MIGRATIONS.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The pool settings of a store (also used by scripts/migrate-pg.ts). */
export function postgresPool(options: PostgresStoreOptions): pg.Pool {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/i.test(options.schema))
    throw new Error(`not a schema name: ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    // A statement that runs this long is stuck (a lock never released): fail it, not the process.
    statement_timeout: 15_000,
    idle_in_transaction_session_timeout: 30_000,
    connectionTimeoutMillis: 10_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection the server closed (restart, failover) is dropped and replaced at the next
  // checkout; without a listener its error would end the process.
  pool.on('error', () => undefined);
  return pool;
}
