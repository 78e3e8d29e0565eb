// Two real server processes on one PostgreSQL database and one Redis, all on loopback, for the
// scale-out tests (tests/integration/cluster-*.test.ts): a fresh database on the test cluster
// (tests/helpers/postgres-cluster.ts), a redis-server of this file's own (tests/helpers/redis.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { spawnServer, type ChildServer } from './process.js';
import { startRedis, type TestRedis } from './redis.js';

export interface TestCluster {
  redis: TestRedis;
  databaseUrl: string;
  /** The environment every process of the cluster gets. */
  env: Record<string, string>;
  servers: ChildServer[];
  /** Starts one more process of the cluster (after a kill, say). */
  spawn(): Promise<ChildServer>;
  stop(): Promise<void>;
}

export async function startCluster(processes = 2): Promise<TestCluster> {
  const base = inject('postgresUrl');
  if (!base) throw new Error(`no PostgreSQL for the tests: ${inject('postgresMissing')}`);
  const database = `cl_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const redis = await startRedis();
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    // Connection tickets signed by one process are checked by another.
    TICKET_SECRET: randomBytes(32).toString('hex'),
    CLIENT_DIR: '',
  };
  const servers: ChildServer[] = [];
  let stopping = false;
  const spawn = async () => {
    const server = await spawnServer(env);
    servers.push(server);
    // A process that dies on its own (not killed by a test) says why in the test output.
    void server.exited.then(({ code, signal }) => {
      if (!stopping && signal !== 'SIGKILL')
        console.error(`server exited (${code}, ${signal}):\n${server.lines.slice(-30).join('\n')}`);
    });
    return server;
  };
  try {
    // One after the other: the first one migrates the fresh database.
    for (let i = 0; i < processes; i++) await spawn();
  } catch (error) {
    for (const s of servers) s.child.kill('SIGKILL');
    await redis.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    throw error;
  }
  return {
    redis,
    databaseUrl,
    env,
    servers,
    spawn,
    async stop() {
      stopping = true;
      await Promise.all(
        servers.map(async (s) => {
          if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
          await s.exited;
        }),
      );
      await redis.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}
