// The two-process section of `npm run bench` (issue 14): two server processes on one throwaway
// PostgreSQL and one Redis, all on loopback, against one single SQLite process, measured with
// stock clients: edit → peer on the other process and on the same one, and the vote ack.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { addRecommendation, recommendationsMap } from '../shared/doc.js';
import { groupDocName, recommendationTargetId } from '../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../tests/helpers/api.js';
import {
  command,
  connectDoc,
  connectSocket,
  synced,
  type TestSocket,
  type YClient,
} from '../tests/helpers/clients.js';
import { spawnServer, type ChildServer } from '../tests/helpers/process.js';
import { startRedis, type TestRedis } from '../tests/helpers/redis.js';
import { waitFor } from '../tests/helpers/wait.js';
import { missingServices, startPostgres, type BenchPostgres } from './lib/services.js';

/** Samples are paced at this many a second (a quick typist; a room voting), one at a time. */
const PER_SECOND = 20;
/** A sample not delivered within this long counts as lost (and is reported, not timed). */
const SAMPLE_TIMEOUT_MS = 5000;
/** Voters share the vote samples: each socket stays under its 4 commands a second. */
const VOTERS = 8;

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
}

export interface ClusterResult {
  skipped?: string;
  loadAverage?: { before: number[]; after: number[] };
  postgres?: string;
  samples?: { warmup: number; measured: number; perSecond: number };
  /** Two processes: writer on process one, readers on process two (other) and one (same). */
  editOther?: Latency;
  editSame?: Latency;
  /** One SQLite process: writer and reader on it. */
  editSingle?: Latency;
  voteCluster?: Latency;
  voteSingle?: Latency;
}

function summarize(values: number[], lost: number): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, lost };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Runs `sample` at PER_SECOND, one after the other; the first `warmup` results are dropped. */
async function paced<T>(count: number, warmup: number, sample: (i: number) => Promise<T>) {
  const kept: T[] = [];
  const start = performance.now();
  for (let i = 0; i < warmup + count; i++) {
    await sleep(start + (i * 1000) / PER_SECOND - performance.now());
    const value = await sample(i);
    if (i >= warmup) kept.push(value);
  }
  return kept;
}

/** Resolves with the moment (performance.now) `doc`'s card title reads `expected`, or null. */
function titleReads(doc: Y.Doc, expected: string): Promise<number | null> {
  const read = () =>
    (recommendationsMap(doc).get('r1')?.get('title') as Y.Text | undefined)?.toString();
  if (read() === expected) return Promise.resolve(performance.now());
  return new Promise((resolve) => {
    const onUpdate = () => {
      if (read() !== expected) return;
      const at = performance.now();
      clearTimeout(timer);
      doc.off('update', onUpdate);
      resolve(at);
    };
    const timer = setTimeout(() => {
      doc.off('update', onUpdate);
      resolve(null);
    }, SAMPLE_TIMEOUT_MS);
    doc.on('update', onUpdate);
  });
}

/** The things one measurement opened, closed whatever happens. */
interface Opened {
  clients: YClient[];
  sockets: TestSocket[];
}

async function openSocket(url: string, token: string, opened: Opened): Promise<TestSocket> {
  const socket = connectSocket(url, token);
  opened.sockets.push(socket);
  let failure: Error | null = null;
  let closed = '';
  socket.on('connect_error', (error) => (failure = error));
  socket.on('disconnect', (reason) => (closed = reason));
  try {
    await waitFor(
      () => {
        if (failure) throw failure;
        return socket.connected;
      },
      { timeout: 20_000, message: `socket ${opened.sockets.length} to ${url} connected` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}${closed ? ` (closed: ${closed})` : ''}`, {
      cause: error,
    });
  }
  return socket;
}

/**
 * One workshop: a writer on `writerUrl` types into one card (a character added, then taken back,
 * so the title stays short), timed until each reader's document reads the same; then voters on
 * `voterUrl` cast a dot and take it back, timed until the ack.
 */
async function measureWorkshop(o: {
  writerUrl: string;
  readers: { label: string; url: string }[];
  voterUrl: string;
  warmup: number;
  samples: number;
}): Promise<{ edits: Record<string, Latency>; votes: Latency }> {
  const opened: Opened = { clients: [], sockets: [] };
  try {
    const w = await createWorkshop(o.writerUrl, {
      title: 'Bench deux processus',
      groups: ['Eau'],
      voteBudget: 50,
    });
    const groupId = w.groups[0]!.id;
    const docName = groupDocName(groupId);
    const join = (url: string, name: string) => joinWorkshop(url, w.code, { name, groupId });
    const writerJoin = await join(o.writerUrl, 'Ana');
    const writer = connectDoc(o.writerUrl, w.workshopId, docName, writerJoin.token);
    opened.clients.push(writer);
    const readers: YClient[] = [];
    for (const [i, r] of o.readers.entries()) {
      const joined = await join(r.url, `Lecteur ${i + 1}`);
      const client = connectDoc(r.url, w.workshopId, docName, joined.token);
      opened.clients.push(client);
      readers.push(client);
    }
    await Promise.all([writer, ...readers].map((c) => synced(c, 30_000)));
    addRecommendation(writer.doc, {
      id: 'r1',
      title: 'Cartographier',
      body: '',
      authorId: writerJoin.participantId,
      createdAt: 1,
    });
    await Promise.all(readers.map((r) => titleReads(r.doc, 'Cartographier')));

    const title = recommendationsMap(writer.doc).get('r1')!.get('title') as Y.Text;
    const times = readers.map(() => [] as number[]);
    const lost = readers.map(() => 0);
    await paced(o.samples, o.warmup, async (i) => {
      if (i % 2 === 0) title.insert(title.length, ' ');
      else title.delete(title.length - 1, 1);
      const sent = performance.now();
      const expected = title.toString();
      const arrivals = await Promise.all(readers.map((r) => titleReads(r.doc, expected)));
      if (i < o.warmup) return;
      arrivals.forEach((at, k) => {
        if (at === null) lost[k]!++;
        else times[k]!.push(at - sent);
      });
    });
    const edits = Object.fromEntries(
      o.readers.map((r, k) => [r.label, summarize(times[k]!, lost[k]!)]),
    );

    const facilitator = await openSocket(o.writerUrl, w.facilitatorKey, opened);
    const phase = await command(facilitator, 'phase:set', { phase: 'vote' });
    if (!phase.ok) throw new Error(`phase:set vote: ${phase.error.message}`);
    const voters: TestSocket[] = [];
    for (let i = 0; i < VOTERS; i++) {
      const joined = await join(o.voterUrl, `Votant ${i + 1}`);
      voters.push(await openSocket(o.voterUrl, joined.token, opened));
    }
    const targetId = recommendationTargetId(groupId, 'r1');
    const acks: number[] = [];
    let refused = 0;
    let firstRefusal = '';
    await paced(o.samples, o.warmup, async (i) => {
      const voter = voters[i % VOTERS]!;
      // Each voter alternates a dot and taking it back: its budget never runs out.
      const delta = Math.floor(i / VOTERS) % 2 === 0 ? 1 : -1;
      const sent = performance.now();
      const answer = await command(voter, 'vote:cast', { targetId, delta });
      const took = performance.now() - sent;
      if (i < o.warmup) return;
      if (answer.ok) acks.push(took);
      else {
        refused++;
        firstRefusal ||= `${answer.error.code}: ${answer.error.message}`;
      }
    });
    if (refused > 0) throw new Error(`${refused} votes refused (${firstRefusal})`);
    return { edits, votes: summarize(acks, 0) };
  } finally {
    for (const s of opened.sockets) s.disconnect();
    for (const c of opened.clients) c.destroy();
  }
}

async function stopServer(server: ChildServer): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null)
    server.child.kill('SIGTERM');
  await server.exited;
}

export async function measureCluster(o: {
  warmup: number;
  samples: number;
  log: (line: string) => void;
}): Promise<ClusterResult> {
  const missing = missingServices();
  if (missing) return { skipped: missing };
  const result: ClusterResult = {
    loadAverage: { before: os.loadavg(), after: [] },
    samples: { warmup: o.warmup, measured: o.samples, perSecond: PER_SECOND },
  };
  const servers: ChildServer[] = [];
  let postgres: BenchPostgres | null = null;
  let redis: TestRedis | null = null;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-sqlite-'));
  // Ctrl-C in the middle: nothing this section started may outlive the bench.
  const onSignal = () => {
    for (const s of servers) s.child.kill('SIGKILL');
    redis?.child.kill('SIGKILL');
    postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    postgres = await startPostgres();
    result.postgres = postgres.version;
    redis = await startRedis();
    const secret = randomBytes(32).toString('hex');
    const env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      TICKET_SECRET: secret,
      CLIENT_DIR: '',
    };
    // One after the other: the first one migrates the fresh database.
    for (let i = 0; i < 2; i++) servers.push(await spawnServer(env, { timeout: 120_000 }));
    const [one, two] = servers.map((s) => s.url) as [string, string];
    o.log(`  two processes up (PostgreSQL ${postgres.version}, Redis); measuring`);
    const cluster = await measureWorkshop({
      writerUrl: one,
      readers: [
        { label: 'other', url: two },
        { label: 'same', url: one },
      ],
      voterUrl: two,
      warmup: o.warmup,
      samples: o.samples,
    });
    result.editOther = cluster.edits.other;
    result.editSame = cluster.edits.same;
    result.voteCluster = cluster.votes;
    await Promise.all(servers.splice(0).map(stopServer));

    const single = await spawnServer(
      { DATA_DIR: dataDir, TICKET_SECRET: secret, CLIENT_DIR: '' },
      { timeout: 120_000 },
    );
    servers.push(single);
    o.log('  one SQLite process up; measuring');
    const alone = await measureWorkshop({
      writerUrl: single.url,
      readers: [{ label: 'single', url: single.url }],
      voterUrl: single.url,
      warmup: o.warmup,
      samples: o.samples,
    });
    result.editSingle = alone.edits.single;
    result.voteSingle = alone.votes;
    result.loadAverage!.after = os.loadavg();
    return result;
  } catch (error) {
    // What the servers last said is the first thing to read when a measurement fails.
    const tails = servers.map((s, i) => `process ${i + 1}: ${s.lines.slice(-5).join(' | ')}`);
    throw new Error(`${(error as Error).message} (${tails.join('; ') || 'no server up'})`, {
      cause: error,
    });
  } finally {
    await Promise.all(servers.splice(0).map(stopServer));
    await redis?.stop();
    postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The section's Markdown table, beside the single-process figures. */
export function renderCluster(r: ClusterResult): string {
  if (r.skipped) return `## Two processes\n\nSkipped: ${r.skipped}.\n`;
  const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(1));
  const row = (label: string, l: Latency | undefined) =>
    `| ${label} | ${ms(l?.p50)} | ${ms(l?.p99)} | ${ms(l?.max)} | ${l?.n ?? 0} | ${l?.lost ?? 0} |`;
  const load = (l: number[] | undefined) => (l ?? []).map((x) => x.toFixed(2)).join(' ');
  const goal = r.editOther && r.editOther.p50 <= 3 ? 'met' : 'not met';
  return [
    '## Two processes (PostgreSQL + Redis) beside one SQLite process',
    '',
    `${r.samples?.measured} samples each at ${r.samples?.perSecond}/s after ${r.samples?.warmup} discarded; PostgreSQL ${r.postgres} (fsync off); load average ${load(r.loadAverage?.before)} before, ${load(r.loadAverage?.after)} after.`,
    '',
    '| path | p50 ms | p99 ms | max ms | n | lost |',
    '|---|---|---|---|---|---|',
    row('edit → peer, **other** process', r.editOther),
    row('edit → peer, same process (two-process deployment)', r.editSame),
    row('edit → peer, one SQLite process', r.editSingle),
    row('vote ack, two-process deployment', r.voteCluster),
    row('vote ack, one SQLite process', r.voteSingle),
    '',
    `Goal p50 ≤ 3 ms for edit → peer on the other process: ${goal}.`,
    '',
  ].join('\n');
}
