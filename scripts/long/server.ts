// The server under test for the long runs: a child process (`node --import tsx server/main.ts`)
// on a fixed port and data directory, so that clients reconnect to the same address after a
// SIGKILL and a restart; plus its GET /metrics, opened with a token made for the run.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { spawnServer, type ChildServer } from '../../tests/helpers/process.js';
import type { MetricsSample } from '../../server/http/metrics.js';

export interface ServerSpec {
  dataDir: string;
  port: number;
  /** The Bearer token of GET /metrics for this run. */
  metricsToken: string;
  env?: Record<string, string>;
}

/**
 * The door's quotas are per address (server/http/limits.ts), and here every simulated laptop is
 * 127.0.0.1: one address creating dozens of workshops and joining hundreds of people. Raised so
 * that the runs measure the rooms, not the quotas; a variable the server does not know is ignored.
 */
const ONE_ADDRESS_FOR_EVERYONE: Record<string, string> = {
  CREATE_PER_HOUR: '100000',
  JOINS_PER_10MIN: '100000',
  LOOKUPS_PER_10MIN: '100000',
  MAX_PARTICIPANTS: '100000',
  CROWD_WARNING: '100000',
};

export function serverSpec(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): ServerSpec {
  const metricsToken = randomBytes(24).toString('hex');
  return { dataDir, port, metricsToken, env: { ...ONE_ADDRESS_FOR_EVERYONE, ...env } };
}

/** A port free right now on the loopback (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface Started {
  server: ChildServer;
  /** Epoch ms at which the server said it was listening. */
  listeningAt: number;
  /** From spawn to listening, in ms: the process start, tsx, migrations, bind. */
  startMs: number;
}

export async function start(spec: ServerSpec): Promise<Started> {
  const spawnedAt = Date.now();
  const server = await spawnServer(
    {
      DATA_DIR: spec.dataDir,
      PORT: String(spec.port),
      METRICS_TOKEN: spec.metricsToken,
      CLIENT_DIR: '',
      ...spec.env,
    },
    { timeout: 60_000 },
  );
  const listeningAt = Date.now();
  // A run that dies (an uncaught error) must not leave its server behind.
  const orphan = () => server.child.kill('SIGKILL');
  process.once('exit', orphan);
  void server.exited.then(() => process.off('exit', orphan));
  return { server, listeningAt, startMs: listeningAt - spawnedAt };
}

/** SIGKILL, and resolves once the process is gone. */
export async function kill(server: ChildServer): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null)
    server.child.kill('SIGKILL');
  await server.exited;
}

export async function metrics(url: string, token: string): Promise<MetricsSample> {
  const res = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
  return (await res.json()) as MetricsSample;
}

/** Error lines the server logged (JSON lines at level "error"). */
export function errorLines(server: ChildServer): string[] {
  return server.lines.filter((line) => line.includes('"level":"error"'));
}
