// Configuration: environment variables parsed once at start-up into a typed object. A bad value
// stops the start with a message naming the variable.
import path from 'node:path';
import { z } from 'zod';

/** An empty variable (`PORT=`) means "not set", never 0 or the empty path. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/**
 * Updates kept in a document's log before it is compacted into one state row. The worst load is a
 * crash just before a compaction (COMPACT_AFTER − 1 rows to replay per document); a compaction
 * costs one state encoding (~0.1–0.3 ms for a group's document). See docs/benchmarks.md.
 */
export const DEFAULT_COMPACT_AFTER = 100;

/** A positive whole number with a default (limits and quotas). */
const count = (fallback: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(1_000_000).default(fallback));

/** Quotas and limits of the door (server/http/limits.ts); each one an environment variable. */
export interface DoorConfig {
  /** Participants a workshop holds at most (MAX_PARTICIPANTS). */
  maxParticipants: number;
  /** Workshops created, imports, demo workshops per address and hour. */
  createPerHour: number;
  importPerHour: number;
  demoPerHour: number;
  /** Code look-ups answered 404 per address in 10 minutes, then 429. */
  lookupFailuresPer10Min: number;
  /** Code look-ups of any outcome per address in 10 minutes. */
  lookupsPer10Min: number;
  /** Joins into one workshop per address in 10 minutes. */
  joinsPer10Min: number;
  /** Distinct refused keys or tokens per address in 10 minutes, then every attempt is refused. */
  authFailuresPer10Min: number;
  /** Joins from one address into one workshop past which the facilitator is told. */
  crowdWarning: number;
  /** HMAC key of connection tickets; null: a random one per process. */
  ticketSecret: string | null;
}

const envSchema = z.object({
  PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1')),
  DATA_DIR: z.preprocess(unsetIfEmpty, z.string().min(1).default('./data')),
  COMPACT_AFTER: z.preprocess(
    unsetIfEmpty,
    z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_COMPACT_AFTER),
  ),
  /** Where the built client lives (unset: dist/client); empty disables static serving (API-only). */
  CLIENT_DIR: z.string().optional(),
  /** The address participants type or scan (projection screen, QR code), e.g. http://192.168.1.20:3000. */
  PUBLIC_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).optional()),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['silent', 'error', 'info']).default('info')),
  // The door (server/http/limits.ts): quotas per address, the participant cap, connection tickets.
  MAX_PARTICIPANTS: count(500),
  CREATE_PER_HOUR: count(30),
  IMPORT_PER_HOUR: count(10),
  DEMO_PER_HOUR: count(10),
  LOOKUP_FAILURES_PER_10MIN: count(30),
  LOOKUPS_PER_10MIN: count(1000),
  JOINS_PER_10MIN: count(300),
  AUTH_FAILURES_PER_10MIN: count(100),
  CROWD_WARNING: count(150),
  /** Signs connection tickets; processes serving one workshop together must share it. Unset: random. */
  TICKET_SECRET: z.preprocess(unsetIfEmpty, z.string().min(32).max(512).optional()),
  /** Days a closed workshop is kept after its last change (never-closed ones: twice as long); 0: for ever. */
  RETENTION_DAYS: z.preprocess(
    unsetIfEmpty,
    z.coerce.number().int().min(0).max(36_500).default(90),
  ),
  /** Opens GET /metrics to whoever presents it as a Bearer token (docs/robustness.md); unset: no route. */
  METRICS_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(32).max(512).optional()),
  /** PostgreSQL instead of the SQLite file under DATA_DIR (server/store/postgres.ts); unset: SQLite. */
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .url({ protocol: /^postgres(ql)?$/ })
      .max(2048)
      .optional(),
  ),
  /**
   * Redis shared by several processes serving the same workshops (server/scale/); unset: one
   * process. Needs DATABASE_URL: the processes must share one database.
   */
  REDIS_URL: z.preprocess(
    unsetIfEmpty,
    z
      .url({ protocol: /^rediss?$/ })
      .max(2048)
      .optional(),
  ),
  /** Who to tell about an accessibility problem (an address or a URL), shown on /accessibilite. */
  ACCESSIBILITY_CONTACT: z.preprocess(unsetIfEmpty, z.string().trim().min(3).max(200).optional()),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file, or ':memory:' in tests. */
  databaseFile: string;
  compactAfter: number;
  clientDir: string | null;
  logLevel: 'silent' | 'error' | 'info';
  /** Base of the join address shown to the room; null: found from the network (see http/join-url.ts). */
  publicUrl: string | null;
  door: DoorConfig;
  /** The Bearer token of GET /metrics; null: the route does not exist. */
  metricsToken: string | null;
  /** Days closed workshops are kept (server/services/deletion.ts); 0: for ever. */
  retentionDays: number;
  /** postgres:// address of the database (DATABASE_URL); null: the SQLite file `databaseFile`. */
  databaseUrl: string | null;
  /** redis:// address shared by several processes (REDIS_URL); null: this process serves alone. */
  redisUrl: string | null;
  /** Shown in the accessibility statement as where to report a problem; null: ask the organiser. */
  accessibilityContact: string | null;
}

export function loadConfig(env: NodeJS.ProcessEnv, defaults: { clientDir: string }): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new Error(
      'Invalid configuration: REDIS_URL needs DATABASE_URL: several processes must share one PostgreSQL database (each SQLite file belongs to one process).',
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'atelier.sqlite'),
    compactAfter: e.COMPACT_AFTER,
    clientDir:
      e.CLIENT_DIR === undefined
        ? defaults.clientDir
        : e.CLIENT_DIR === ''
          ? null
          : path.resolve(e.CLIENT_DIR),
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    door: {
      maxParticipants: e.MAX_PARTICIPANTS,
      createPerHour: e.CREATE_PER_HOUR,
      importPerHour: e.IMPORT_PER_HOUR,
      demoPerHour: e.DEMO_PER_HOUR,
      lookupFailuresPer10Min: e.LOOKUP_FAILURES_PER_10MIN,
      lookupsPer10Min: e.LOOKUPS_PER_10MIN,
      joinsPer10Min: e.JOINS_PER_10MIN,
      authFailuresPer10Min: e.AUTH_FAILURES_PER_10MIN,
      crowdWarning: e.CROWD_WARNING,
      ticketSecret: e.TICKET_SECRET ?? null,
    },
    metricsToken: e.METRICS_TOKEN ?? null,
    retentionDays: e.RETENTION_DAYS,
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    accessibilityContact: e.ACCESSIBILITY_CONTACT ?? null,
  };
}
