// Vitest global setup: the PostgreSQL server the PostgreSQL tests use. TEST_DATABASE_URL when it
// is set; otherwise a throwaway cluster (initdb in a temporary folder, on a free loopback port),
// stopped and deleted at the end. Tests read the address with inject('postgresUrl').
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// address of a server the tests may create schemas in; null when none. */
    postgresUrl: string | null;
    /** Why there is no server (shown by the tests that need one, which then fail). */
    postgresMissing: string | null;
  }
}

/** initdb and pg_ctl: on the PATH, or in Debian's versioned folder (the newest version). */
export function findPostgresBin(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')))
      return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The test files that need a PostgreSQL server. */
const POSTGRES_TESTS = [
  'tests/contract/postgres.test.ts',
  'tests/integration/postgres-server.test.ts',
  'tests/integration/migrate-pg.test.ts',
  'tests/integration/cluster-yjs.test.ts',
  'tests/integration/cluster-realtime.test.ts',
];
/** Options of `vitest run` whose value is the next argument (it is not a file filter). */
const VALUE_OPTIONS = new Set([
  '-t',
  '--testNamePattern',
  '--reporter',
  '-c',
  '--config',
  '--project',
  '-r',
  '--root',
  '--dir',
  '--outputFile',
  '--pool',
  '--maxWorkers',
  '--shard',
  '--environment',
]);

/**
 * A run whose file filters (vitest matches them as substrings of the file paths) select none of
 * the PostgreSQL test files starts no cluster: single-file runs of other tests do not pay for
 * it. A run without filters (the whole suite) starts it; ATELIER_PG_CLUSTER=1 forces it.
 */
function wanted(): boolean {
  if (process.env.ATELIER_PG_CLUSTER === '1') return true;
  const run = process.argv.indexOf('run');
  if (run === -1) return true;
  const filters: string[] = [];
  const args = process.argv.slice(run + 1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    filters.push(
      path.isAbsolute(arg) ? path.relative(process.cwd(), arg) : arg.replace(/^\.\//, ''),
    );
  }
  return (
    filters.length === 0 || filters.some((f) => POSTGRES_TESTS.some((file) => file.includes(f)))
  );
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    project.provide('postgresMissing', null);
    return undefined;
  }
  const bin = findPostgresBin();
  if (!bin || !wanted()) {
    project.provide('postgresUrl', null);
    project.provide('postgresMissing', bin ? 'not started for this run' : 'no initdb/pg_ctl found');
    return undefined;
  }
  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : path.join(bin, cmd),
      asRoot ? ['-u', 'postgres', '--', path.join(bin, cmd), ...args] : args,
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-pg-'));
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  // Speed over durability: the cluster lives for one test run.
  run('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c shared_buffers=16MB',
    '-c max_connections=200',
  ].join(' ');
  run('pg_ctl', [
    '-D',
    data,
    '-o',
    settings,
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.env.TEST_DATABASE_URL = url;
  project.provide('postgresUrl', url);
  project.provide('postgresMissing', null);
  return () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
