// Versioned schema migrations of the PostgreSQL store. Each entry runs once, in order, inside a
// transaction that also records it in `schema_migrations`; processes starting together take an
// advisory lock first, so only one of them migrates. Never edit a shipped migration: add one.
// The schema mirrors SQLite's (migrations.ts) at its version 8, in one step: the SQLite history
// predates this store. Ids and hashes are `text COLLATE "C"` so that ORDER BY sorts bytewise, as
// SQLite does, whatever the database's locale.
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
];
