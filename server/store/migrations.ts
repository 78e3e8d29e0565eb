// Versioned schema migrations. Each entry runs once, in order, inside a transaction; the
// database's `user_version` records how many have run. Never edit a shipped migration: add one.
export const MIGRATIONS: readonly string[] = [
  // 1: workshops, groups, participants, Yjs documents (state + update log), dot votes.
  `
  CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    vote_budget INTEGER NOT NULL,
    phase TEXT NOT NULL,
    timer_ends_at INTEGER,
    votes_revealed INTEGER NOT NULL DEFAULT 0,
    group_choice_locked INTEGER NOT NULL DEFAULT 0,
    joining_locked INTEGER NOT NULL DEFAULT 0,
    facilitator_key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
  );
  CREATE INDEX groups_by_workshop ON groups(workshop_id, position);
  CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES groups(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX participants_by_workshop ON participants(workshop_id, created_at);
  CREATE TABLE doc_states (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    doc_name TEXT NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (workshop_id, doc_name)
  );
  CREATE TABLE doc_updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    doc_name TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX doc_updates_by_doc ON doc_updates(workshop_id, doc_name, seq);
  CREATE TABLE votes (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    phase TEXT NOT NULL,
    target_id TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (participant_id, phase, target_id)
  );
  CREATE INDEX votes_by_workshop ON votes(workshop_id, phase);
  `,
  // 2: the question each group works on.
  `ALTER TABLE groups ADD COLUMN prompt TEXT NOT NULL DEFAULT '';`,
  // 3: a timer may freeze writing when it reaches zero.
  `ALTER TABLE workshops ADD COLUMN timer_freeze INTEGER NOT NULL DEFAULT 0;`,
  // 4: snapshots of a whole board (the export JSON), saved by hand or at each phase change.
  `
  CREATE TABLE snapshots (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX snapshots_by_workshop ON snapshots(workshop_id, created_at);
  `,
  // 5: a read-only key for the projection screen (sha256; null until the facilitator asks for one).
  `ALTER TABLE workshops ADD COLUMN screen_key_hash TEXT;
   CREATE UNIQUE INDEX workshops_by_screen_key ON workshops(screen_key_hash);`,
  // 6: a deleted card gives its dots back: votes are looked up by target.
  `CREATE INDEX votes_by_target ON votes(workshop_id, target_id);`,
  // 7: when a workshop last changed (phase, timer, settings): retention purges old ones.
  `ALTER TABLE workshops ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
   UPDATE workshops SET updated_at = created_at;
   CREATE INDEX workshops_by_update ON workshops(updated_at);`,
  // 8: the information notice shown at join time, written by the organiser (null: the default text).
  `ALTER TABLE workshops ADD COLUMN notice TEXT;`,
  // 9: anonymity and moderation (issue 16): the workshop mode of each, a participant ordinal in
  // join order for stable pseudonyms (never reused: a counter on the workshop), and blocking.
  `ALTER TABLE workshops ADD COLUMN anonymity TEXT NOT NULL DEFAULT 'named';
   ALTER TABLE workshops ADD COLUMN moderation TEXT NOT NULL DEFAULT 'open';
   ALTER TABLE workshops ADD COLUMN participants_joined INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE participants ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE participants ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
   UPDATE participants SET ordinal = (
     SELECT count(*) FROM participants AS earlier
     WHERE earlier.workshop_id = participants.workshop_id
       AND (earlier.created_at < participants.created_at
         OR (earlier.created_at = participants.created_at AND earlier.id < participants.id)));
   UPDATE workshops SET participants_joined =
     (SELECT count(*) FROM participants WHERE workshop_id = workshops.id);`,
  // 10: the facilitator's controls (issue 16): private writing on or off, and the phases with
  // their default durations from the template the workshop was created from (JSON; null: none).
  `ALTER TABLE workshops ADD COLUMN private_writing INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE workshops ADD COLUMN steps TEXT;`,
  // 11: rounds (issue 17): the workshop's current round and the profiles people choose from at
  // join; each group's round, the round it was retired after (null: active), the groups of the
  // previous round it continues (JSON) and its host (World Café); a participant's profile.
  `ALTER TABLE workshops ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE workshops ADD COLUMN profiles TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE groups ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE groups ADD COLUMN retired_round INTEGER;
   ALTER TABLE groups ADD COLUMN parents TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE groups ADD COLUMN host_id TEXT;
   ALTER TABLE participants ADD COLUMN profile TEXT;`,
];
