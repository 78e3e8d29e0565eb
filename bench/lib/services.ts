// Throwaway PostgreSQL and Redis servers on loopback for the two-process bench (bench/cluster.ts):
// an initdb cluster in a temporary folder (owned by the postgres user when we run as root, as in
// tests/helpers/postgres-cluster.ts) and a redis-server that saves nothing. Each has a stop().
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findPostgresBin } from '../../tests/helpers/postgres-cluster.js';

export interface BenchPostgres {
  url: string;
  version: string;
  /** Synchronous, so it can also run from a signal handler. */
  stop(): void;
}

/** Why the two-process bench cannot run here (initdb or redis-server missing), or null. */
export function missingServices(): string | null {
  if (!findPostgresBin()) return 'no initdb/pg_ctl found (PostgreSQL is not installed)';
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'no redis-server found';
  }
  return null;
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

export async function startPostgres(): Promise<BenchPostgres> {
  const port = await freePort();
  const bin = findPostgresBin();
  if (!bin) throw new Error('no initdb/pg_ctl found');
  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : path.join(bin, cmd),
      asRoot ? ['-u', 'postgres', '--', path.join(bin, cmd), ...args] : args,
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  let started = false;
  const stop = () => {
    try {
      if (started) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      started = false;
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
    // The same settings as the test cluster: durability off, so the figures are the path's
    // (network, locks, queries), not this machine's disk.
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    started = true;
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
  } catch (error) {
    stop();
    throw error;
  }
  const version = readFileSync(path.join(data, 'PG_VERSION'), 'utf8').trim();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, version, stop };
}
