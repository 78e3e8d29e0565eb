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
}

export function loadConfig(env: NodeJS.ProcessEnv, defaults: { clientDir: string }): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'atelier.sqlite'),
    compactAfter: e.COMPACT_AFTER,
    clientDir:
      e.CLIENT_DIR === undefined ? defaults.clientDir : e.CLIENT_DIR === '' ? null : path.resolve(e.CLIENT_DIR),
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
  };
}
