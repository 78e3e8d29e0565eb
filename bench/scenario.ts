// One simulated workshop against one server: start the server in its own process, create the
// workshop, connect every participant (and a facilitator on every document) from the
// load-generator processes, seed the fixture's recommendations, type, measure, vote, check that
// every replica converged, then kill the server and check what it kept on disk.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import type { CreateWorkshopResult, JoinResult } from '../shared/schemas.js';
import { contentHash } from './lib/canonical.js';
import { groupNames, loadFixture, participantName, recommendationsOf } from './lib/fixture.js';
import { Histogram, type Summary } from './lib/histogram.js';
import { Child } from './lib/ipc.js';
import {
  LoadSampler,
  LoadWindow,
  quietBetween,
  type MachineLoad,
  type QuietSlots,
} from './lib/procstat.js';
import type {
  ClientSpec,
  ScorePayload,
  ScoreResult,
  SeedPayload,
  SendLog,
  ServerKind,
  SetupResult,
  TypeResult,
  VoteResult,
} from './lib/protocol.js';
import { ensureReferenceServers } from './lib/reference.js';
import type { ServerMetrics } from './servers/harness.js';

export interface ScenarioOptions {
  kind: ServerKind;
  participants: number;
  groups: number;
  /** Edits per second per participant. */
  rate: number;
  warmupMs: number;
  measureMs: number;
  /** Run a burst of dot votes after the measured window (Atelier only). */
  votes: boolean;
  /** Atelier participants and facilitator also hold a Socket.IO connection (default true). */
  sockets?: boolean;
  /**
   * Atelier from another checkout (`--compare REF`): the directory of that worktree, and its
   * label. Its own bench/servers/atelier.ts and server/ run; the load generators are this run's.
   */
  checkout?: { dir: string; label: string };
  /** Load-generator processes. */
  workers: number;
  connectDeadlineMs: number;
  /** Write V8 CPU profiles of the server here, one per phase (connect, typing, votes). */
  profileDir?: string;
  log: (line: string) => void;
}

export interface ScenarioResult {
  kind: ServerKind;
  participants: number;
  groups: number;
  rate: number;
  sockets: boolean;
  variant?: string;
  /** Hash of server/ and shared/ as this scenario's server process loaded them. */
  code: string;
  /** Wall time of the whole scenario, start to teardown. */
  tookMs: number;
  ok: boolean;
  failure?: string;
  edits: number;
  editsPerSecond: number;
  editToPeer?: {
    all: Summary;
    participants: Summary;
    facilitator: Summary;
    /** Only the edits whose whole flight fell in slots where other processes used < QUIET_LIMIT_CORES. */
    quiet: Summary;
    /** Share of deliveries that flew on a quiet machine. */
    quietShare: number;
  };
  /** Share of 250 ms slots of the measured window in which other processes were busy. */
  busySlots?: number;
  deliveries: number;
  missing: number;
  converged: boolean;
  /** A late joiner got the same content as every replica (the server's copy). */
  serverCopyMatches: boolean;
  /** After kill -9 of the server: edits (Yjs clocks) that every client had but the disk lacks. */
  lostOnKill?: number;
  /** After kill -9: the documents read back from disk equal the converged content. */
  diskCopyMatches?: boolean;
  /** Round name (paced, simultaneous) → its votes. */
  votes?: Record<
    string,
    Omit<VoteResult, 'sentAt' | 'ackedAt'> & {
      summary: Summary;
      /** Acks of the votes whose round trip fell in quiet slots only. */
      quiet: Summary;
      quietShare: number;
      editToPeerDuringVotes: Summary;
      machine: MachineLoad;
    }
  >;
  /** Load on the whole machine during the measured typing window. */
  machine?: MachineLoad;
  /** How long the runner waited for a quiet machine before this scenario, and what it found. */
  quietBefore?: { waitedMs: number; otherCores: number };
  server: {
    cpuCores: number;
    loopDelay: ServerMetrics['loopDelay'];
    rssIdleBytes: number;
    rssBytes: number;
    peakRssBytes: number;
    /** (RSS after the measured window − RSS before anyone connected) / participants, after GC. */
    rssPerParticipantBytes: number;
    heapPerParticipantBytes: number;
  };
  storage?: {
    appendsPerEdit: number;
    appendedBytesPerEdit: number;
    appendMsPerEdit: number;
    /** Growth of the stored document bytes (state + log) per typed edit, after kill -9. */
    restBytesPerEdit: number;
    /** The same once compacted (one state row per document). */
    compactedBytesPerEdit?: number;
    writesPerEdit: number;
    /** How long one append took until committed, ms (with SQLite: the time it held the event loop). */
    appendTimes?: Summary;
  };
  loadgen: { cpuCores: number[]; loopP99: number[]; loopMax: number[] };
  /** Phase → .cpuprofile file of the server during that phase (with --profile). */
  profiles: Record<string, string>;
  connect: SetupResult[];
}

const fixture = loadFixture();

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A short hash of every file under server/ and shared/: other people edit the code while a run
 * goes on, and every scenario starts a fresh server process, so a run can straddle two versions.
 */
export function codeFingerprint(): string {
  const hash = createHash('sha1');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|js|json)$/.test(entry.name)) hash.update(full).update(readFileSync(full));
    }
  };
  for (const dir of ['server', 'shared']) walk(path.join(repoRoot, dir));
  return hash.digest('hex').slice(0, 10);
}

/** Other processes using this many cores or more make a 250 ms slot "busy". */
export const QUIET_LIMIT_CORES = 0.3;

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function mergeSends(logs: SendLog[]): SendLog {
  const total = logs.reduce((n, l) => n + l.at.length, 0);
  const out: SendLog = {
    doc: new Uint32Array(total),
    client: new Uint32Array(total),
    clock: new Uint32Array(total),
    at: new Float64Array(total),
  };
  let offset = 0;
  for (const l of logs) {
    out.doc.set(l.doc, offset);
    out.client.set(l.client, offset);
    out.clock.set(l.clock, offset);
    out.at.set(l.at, offset);
    offset += l.at.length;
  }
  return out;
}

/** doc → clientID → clock: what every replica must have once everything is delivered. */
function targetOf(results: TypeResult[]): Record<number, Record<number, number>> {
  const target: Record<number, Record<number, number>> = {};
  for (const r of results) {
    for (const w of r.written) {
      const doc = (target[w.doc] ??= {});
      doc[w.client] = Math.max(doc[w.client] ?? 0, w.clock);
    }
  }
  return target;
}

/** Bytes the store holds for this workshop's documents, and the documents themselves. */
function readStored(
  kind: ServerKind,
  databaseFile: string,
  workshopId: string,
  docNames: string[],
): { bytes: number; compactBytes: number; docs: Y.Doc[] } {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    let bytes = 0;
    const docs = docNames.map((name) => {
      const parts: Uint8Array[] = [];
      if (kind === 'atelier') {
        const state = db
          .prepare<[string, string], { state: Buffer }>(
            'SELECT state FROM doc_states WHERE workshop_id = ? AND doc_name = ?',
          )
          .get(workshopId, name);
        if (state) parts.push(new Uint8Array(state.state));
        for (const row of db
          .prepare<[string, string], { data: Buffer }>(
            'SELECT data FROM doc_updates WHERE workshop_id = ? AND doc_name = ? ORDER BY seq',
          )
          .all(workshopId, name)) {
          parts.push(new Uint8Array(row.data));
        }
      } else {
        const row = db
          .prepare<[string], { data: Buffer }>('SELECT data FROM documents WHERE name = ?')
          .get(`${workshopId}/${name}`);
        if (row) parts.push(new Uint8Array(row.data));
      }
      const doc = new Y.Doc();
      for (const part of parts) bytes += part.byteLength;
      if (parts.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(parts));
      return doc;
    });
    // What the same documents take once compacted into one state row each.
    const compactBytes = docs.reduce((n, doc) => n + Y.encodeStateAsUpdate(doc).byteLength, 0);
    return { bytes, compactBytes, docs };
  } finally {
    db.close();
  }
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const began = Date.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `atelier-bench-${o.kind}-`));
  const entry = o.checkout
    ? pathToFileURL(path.join(o.checkout.dir, 'bench', 'servers', `${o.kind}.ts`))
    : new URL(`./servers/${o.kind}.ts`, import.meta.url);
  if (o.kind === 'hocuspocus' && !o.checkout) ensureReferenceServers();
  const server = Child.start(entry, {
    label: `${o.kind} server${o.checkout ? ` ${o.checkout.label}` : ''}`,
    env: { BENCH_DATA_DIR: dataDir },
    nodeFlags: [
      '--expose-gc',
      ...(process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []),
      ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
  });
  const workers = Array.from({ length: o.workers }, (_, i) =>
    Child.start(new URL('./loadgen.ts', import.meta.url), {
      label: `load generator ${i}`,
      nodeFlags: process.env.BENCH_LOADGEN_FLAGS?.split(' ').filter(Boolean),
    }),
  );
  const result: ScenarioResult = {
    kind: o.kind,
    participants: o.participants,
    groups: o.groups,
    rate: o.rate,
    sockets: o.kind === 'atelier' && o.sockets !== false,
    variant: o.checkout?.label,
    code: o.checkout ? o.checkout.label : codeFingerprint(),
    tookMs: 0,
    ok: false,
    edits: 0,
    editsPerSecond: 0,
    deliveries: 0,
    missing: 0,
    converged: false,
    serverCopyMatches: false,
    server: {
      cpuCores: NaN,
      loopDelay: { p50: NaN, p99: NaN, max: NaN, mean: NaN },
      rssIdleBytes: NaN,
      rssBytes: NaN,
      peakRssBytes: NaN,
      rssPerParticipantBytes: NaN,
      heapPerParticipantBytes: NaN,
    },
    loadgen: { cpuCores: [], loopP99: [], loopMax: [] },
    profiles: {},
    connect: [],
  };
  const pids = () => [process.pid, server.pid, ...workers.map((w) => w.pid)];
  const profileStart = async () => {
    if (o.profileDir) await server.call('profileStart', {});
  };
  const profileStop = async (phase: string) => {
    if (!o.profileDir) return;
    const file = path.join(o.profileDir, `${o.kind}-${o.participants}p-${phase}.cpuprofile`);
    result.profiles[phase] = await server.call<string>('profileStop', { file });
  };
  let killed = false;
  try {
    const ready = await server.ready;
    await Promise.all(workers.map((w) => w.ready));
    const baseUrl = `http://127.0.0.1:${ready.port as number}`;
    const databaseFile = ready.databaseFile as string | undefined;

    // 1. The workshop, its groups and participants (through the public API for Atelier).
    const names = groupNames(fixture, o.groups);
    let workshopId: string;
    let groupIds: string[];
    let facilitatorToken: string | null = null;
    let tokens: (string | null)[];
    if (o.kind === 'atelier') {
      const w = await post<CreateWorkshopResult>(`${baseUrl}/api/workshops`, {
        title: fixture.title,
        groups: names,
        voteBudget: fixture.voteBudget,
        language: 'fr',
      });
      workshopId = w.workshopId;
      groupIds = w.groups.map((g) => g.id);
      facilitatorToken = w.facilitatorKey;
      const joined = await mapLimit(
        Array.from({ length: o.participants }, (_, i) => i),
        8,
        (i) =>
          post<JoinResult>(`${baseUrl}/api/workshops/${w.code}/participants`, {
            name: participantName(fixture, i),
            groupId: groupIds[i % o.groups],
          }),
      );
      tokens = joined.map((j) => j.token);
    } else {
      workshopId = randomBytes(12).toString('base64url');
      groupIds = names.map(() => randomBytes(12).toString('base64url'));
      if (o.kind === 'hocuspocus') {
        facilitatorToken = randomBytes(24).toString('base64url');
        tokens = Array.from({ length: o.participants }, () =>
          randomBytes(24).toString('base64url'),
        );
        await server.call('registerTokens', [facilitatorToken, ...tokens]);
      } else {
        tokens = Array.from({ length: o.participants }, () => null);
      }
    }
    const docNames = [...groupIds.map((id) => `group-${id}`), 'plenary'];
    const plenary = docNames.length - 1;
    const idle = await server.call<ServerMetrics>('gcMetrics');
    result.server.rssIdleBytes = idle.rssBytes;

    // 2. Clients: participant i is in group i mod G and types into one of its recommendations;
    // the facilitator holds every document. Spread round-robin over the load generators.
    const specs: ClientSpec[] = tokens.map((token, i) => ({
      id: i,
      role: 'participant',
      token,
      docs: [i % o.groups],
      writeDoc: i % o.groups,
      recIndex: Math.floor(i / o.groups),
      socket: o.kind === 'atelier' && o.sockets !== false,
      groupId: groupIds[i % o.groups],
    }));
    const facilitator: ClientSpec = {
      id: o.participants,
      role: 'facilitator',
      token: facilitatorToken,
      docs: docNames.map((_, d) => d),
      socket: o.kind === 'atelier' && o.sockets !== false,
    };
    const shares = workers.map((): ClientSpec[] => []);
    shares[0]!.push(facilitator);
    specs.forEach((spec, i) => shares[i % workers.length]!.push(spec));
    const workerOf = (clientId: number) =>
      shares.findIndex((s) => s.some((c) => c.id === clientId));

    const tConnect = Date.now();
    await profileStart();
    result.connect = await Promise.all(
      workers.map((w, i) =>
        w.call<SetupResult>(
          'setup',
          {
            kind: o.kind,
            baseUrl,
            workshopId,
            docNames,
            clients: shares[i],
            connectDeadlineMs: o.connectDeadlineMs,
            participants: o.participants,
          },
          o.connectDeadlineMs + 10_000,
        ),
      ),
    );
    await profileStop('connect');
    o.log(`  connected ${o.participants} participants in ${Date.now() - tConnect} ms`);

    // 3. Seed the fixture's recommendations (the group's first participant writes them) and the
    // plenary's merged items (the facilitator), and wait until every replica has them.
    const recIds: Record<string, string[]> = {};
    const seeds = workers.map((): SeedPayload['seeds'] => []);
    const expected: Record<number, number> = {};
    for (let g = 0; g < o.groups; g++) {
      const recs = recommendationsOf(fixture, g).map((r, k) => ({
        id: `r${g}-${k}`,
        title: r.title,
        body: r.body,
      }));
      recIds[groupIds[g]!] = recs.map((r) => r.id);
      expected[g] = recs.length;
      seeds[workerOf(g)]!.push({ clientId: g, doc: g, recommendations: recs });
    }
    const clusters = new Map<string, string[]>();
    fixture.recommendations.forEach((r) => {
      if (!r.cluster) return;
      const g = fixture.groups.findIndex((fg) => fg.key === r.group);
      if (g >= o.groups) return;
      const k = recommendationsOf(fixture, g).indexOf(r);
      clusters.set(r.cluster, [...(clusters.get(r.cluster) ?? []), `${groupIds[g]}/r${g}-${k}`]);
    });
    const items = [...clusters.entries()].map(([cluster, sources], k) => ({
      id: `i${k}`,
      title: fixture.recommendations.find((r) => r.cluster === cluster)!.title,
      body: '',
      sources,
    }));
    expected[plenary] = items.length;
    seeds[0]!.push({ clientId: facilitator.id, doc: plenary, items });
    await Promise.all(workers.map((w, i) => w.call('seed', { seeds: seeds[i] })));
    await Promise.all(
      workers.map((w) => w.call('barrier', { expected, deadlineMs: 30_000 }, 40_000)),
    );
    const restBefore =
      databaseFile && o.kind !== 'relay'
        ? readStored(o.kind, databaseFile, workshopId, docNames)
        : null;
    if (o.kind === 'atelier' && o.sockets !== false)
      await workers[0]!.call('phase', { phase: 'write' });

    // 4. Type: a warm-up, then the measured window.
    let lastTyped: TypeResult[] = [];
    const typeAll = async (durationMs: number) => {
      const startAt = Date.now() + 300;
      lastTyped = await Promise.all(
        workers.map((w) =>
          w.call<TypeResult>('type', { rate: o.rate, startAt, durationMs }, durationMs + 60_000),
        ),
      );
      return lastTyped;
    };
    const drainAndScore = async (typed: TypeResult[], quiet: QuietSlots | null = null) => {
      await Promise.all(
        workers.map((w) =>
          w.call('drain', { target: targetOf(typed), deadlineMs: 20_000 }, 30_000),
        ),
      );
      const payload: ScorePayload = {
        log: mergeSends(typed.map((t) => t.sends)),
        quiet,
        quietLimitCores: QUIET_LIMIT_CORES,
      };
      return Promise.all(workers.map((w) => w.call<ScoreResult>('score', payload, 60_000)));
    };
    let edits = 0;
    const warm = await typeAll(o.warmupMs);
    edits += warm.reduce((n, t) => n + t.edits, 0);
    await drainAndScore(warm);

    await server.call('reset');
    if (o.kind !== 'relay') await server.call('resetStorageCounters');
    await profileStart();
    const window = new LoadWindow(pids);
    const sampler = new LoadSampler(pids);
    const typed = await typeAll(o.measureMs);
    const during = await server.call<ServerMetrics>('metrics');
    result.machine = window.read();
    const quietSlots = sampler.stop();
    result.busySlots =
      quietSlots.otherCores.filter((c) => c >= QUIET_LIMIT_CORES).length /
      Math.max(1, quietSlots.otherCores.length);
    await profileStop('typing');
    const measuredEdits = typed.reduce((n, t) => n + t.edits, 0);
    edits += measuredEdits;
    result.edits = measuredEdits;
    result.editsPerSecond = measuredEdits / (o.measureMs / 1000);
    result.server.cpuCores = during.cpuCores;
    result.server.loopDelay = during.loopDelay;
    result.loadgen = {
      cpuCores: typed.map((t) => t.cpuCores),
      loopP99: typed.map((t) => t.loop.p99),
      loopMax: typed.map((t) => t.loop.max),
    };
    if (o.kind === 'atelier') {
      const x = during.extra as {
        appends: number;
        appendedBytes: number;
        appendMs: number;
        compactions: number;
        appendTimes: Summary;
      };
      result.storage = {
        appendsPerEdit: x.appends / measuredEdits,
        appendedBytesPerEdit: x.appendedBytes / measuredEdits,
        appendMsPerEdit: x.appendMs / measuredEdits,
        writesPerEdit: (x.appends + x.compactions) / measuredEdits,
        restBytesPerEdit: NaN,
        appendTimes: x.appendTimes,
      };
    } else if (o.kind === 'hocuspocus') {
      const x = during.extra as { stores: number; storedBytes: number; storeMs: number };
      result.storage = {
        appendsPerEdit: 0,
        appendedBytesPerEdit: x.storedBytes / measuredEdits,
        appendMsPerEdit: x.storeMs / measuredEdits,
        writesPerEdit: x.stores / measuredEdits,
        restBytesPerEdit: NaN,
      };
    }
    let scores = await drainAndScore(typed, quietSlots);
    const all = new Histogram();
    const participants = new Histogram();
    const facilitatorHist = new Histogram();
    const quiet = new Histogram();
    for (const s of scores) {
      participants.merge(s.participants);
      facilitatorHist.merge(s.facilitator);
      all.merge(s.participants).merge(s.facilitator);
      quiet.merge(s.quiet);
    }
    result.editToPeer = {
      all: all.summary(),
      participants: participants.summary(),
      facilitator: facilitatorHist.summary(),
      quiet: quiet.summary(),
      quietShare: all.n ? quiet.n / all.n : 0,
    };
    result.deliveries = scores.reduce((n, s) => n + s.delivered, 0);
    result.missing = scores.reduce((n, s) => n + s.missing, 0);
    const afterTyping = await server.call<ServerMetrics>('gcMetrics');
    result.server.rssBytes = afterTyping.rssBytes;
    result.server.peakRssBytes = afterTyping.peakRssBytes;
    result.server.rssPerParticipantBytes = (afterTyping.rssBytes - idle.rssBytes) / o.participants;
    result.server.heapPerParticipantBytes =
      (afterTyping.heapUsedBytes +
        afterTyping.externalBytes -
        idle.heapUsedBytes -
        idle.externalBytes) /
      o.participants;

    // 5. Dot votes (Atelier), while everyone keeps typing. Round 1 (phase vote, the target):
    // every participant starts within a second and clicks its dots 200 ms apart, as fast as
    // people click. Round 2 (phase prioritise, a stress test): every dot is cast at the same
    // instant without waiting for answers.
    if (o.votes && o.kind === 'atelier' && o.sockets !== false) {
      const plenaryTargets = items.map((item) => `plenary/${item.id}`);
      const rounds = [
        {
          name: 'paced',
          phase: 'vote' as const,
          spreadMs: 1000,
          gapMs: 200,
          targets: (g: string) => recIds[g]!.map((r) => `${g}/${r}`),
        },
        {
          name: 'simultaneous',
          phase: 'prioritise' as const,
          spreadMs: 0,
          gapMs: 0,
          targets: () => plenaryTargets,
        },
      ];
      result.votes = {};
      for (const round of rounds) {
        await workers[0]!.call('phase', { phase: round.phase });
        const targets = Object.fromEntries(groupIds.map((g) => [g, round.targets(g)]));
        await profileStart();
        const window = new LoadWindow(pids);
        const voteSampler = new LoadSampler(pids);
        const startAt = Date.now() + 500;
        const [typedDuringVotes, votes] = await Promise.all([
          typeAll(3000),
          Promise.all(
            workers.map((w) =>
              w.call<VoteResult>(
                'vote',
                {
                  targets,
                  votesEach: fixture.voteBudget,
                  startAt,
                  spreadMs: round.spreadMs,
                  gapMs: round.gapMs,
                  deadlineMs: 20_000,
                },
                40_000,
              ),
            ),
          ),
        ]);
        const machine = window.read();
        const voteSlots = voteSampler.stop();
        await profileStop(`votes-${round.name}`);
        edits += typedDuringVotes.reduce((n, t) => n + t.edits, 0);
        scores = await drainAndScore(typedDuringVotes);
        const acks = new Histogram();
        const duringVotes = new Histogram();
        const refused: Record<string, number> = {};
        const quietAcks = new Histogram();
        for (const v of votes) {
          acks.merge(v.acks);
          for (const [code, n] of Object.entries(v.refused))
            refused[code] = (refused[code] ?? 0) + n;
          v.sentAt.forEach((sent, i) => {
            if (quietBetween(voteSlots, sent, v.ackedAt[i]!, QUIET_LIMIT_CORES))
              quietAcks.record(v.ackedAt[i]! - sent);
          });
        }
        for (const s of scores) duringVotes.merge(s.participants).merge(s.facilitator);
        result.votes[round.name] = {
          acks: acks.toJSON(),
          summary: acks.summary(),
          quiet: quietAcks.summary(),
          quietShare: acks.n ? quietAcks.n / acks.n : 0,
          ok: votes.reduce((n, v) => n + v.ok, 0),
          lost: votes.reduce((n, v) => n + v.lost, 0),
          refused,
          editToPeerDuringVotes: duringVotes.summary(),
          machine,
        };
        result.missing += scores.reduce((n, s) => n + s.missing, 0);
      }
    }

    // 6. Convergence: every replica of a document has the same content, and so does a late
    // joiner (what the server holds in memory).
    const hashes = new Map<number, Set<string>>();
    for (const s of scores) {
      for (const [d, list] of Object.entries(s.hashes)) {
        const set = hashes.get(Number(d)) ?? new Set<string>();
        for (const h of list) set.add(h);
        hashes.set(Number(d), set);
      }
    }
    result.converged = docNames.every((_, d) => hashes.get(d)?.size === 1);
    const late = await workers[0]!.call<Record<number, string>>(
      'verify',
      { token: facilitatorToken, deadlineMs: 20_000 },
      30_000,
    );
    result.serverCopyMatches = docNames.every((_, d) => hashes.get(d)?.has(late[d]!) ?? false);

    // 7. Durability: kill -9 the server, then read the documents back from its database.
    await Promise.all(workers.map((w) => w.call('close', {}, 30_000).catch(() => undefined)));
    if (databaseFile && o.kind !== 'relay') {
      server.proc.kill('SIGKILL');
      killed = true;
      await server.exited;
      const stored = readStored(o.kind, databaseFile, workshopId, docNames);
      // Every clock any replica holds (seeds and typing) must be on disk.
      const target = targetOf(lastTyped);
      let lost = 0;
      stored.docs.forEach((doc, d) => {
        for (const [client, clock] of Object.entries(target[d] ?? {})) {
          lost += Math.max(0, clock - Y.getState(doc.store, Number(client)));
        }
      });
      result.lostOnKill = lost;
      result.diskCopyMatches = stored.docs.every((doc, d) => contentHash(doc) === late[d]);
      if (result.storage && restBefore) {
        result.storage.restBytesPerEdit = (stored.bytes - restBefore.bytes) / edits;
        result.storage.compactedBytesPerEdit =
          (stored.compactBytes - restBefore.compactBytes) / edits;
      }
    }
    result.ok = result.missing === 0 && result.converged && result.serverCopyMatches;
    if (!result.ok) {
      result.failure = `missing ${result.missing}, converged ${result.converged}, server copy ${result.serverCopyMatches}`;
    }
  } catch (error) {
    result.ok = false;
    result.failure = (error as Error).message.split('\n')[0]!.slice(0, 300);
    o.log(`  FAILED: ${result.failure}`);
  } finally {
    await Promise.all(workers.map((w) => w.stop(5000)));
    if (!killed) await server.stop(15_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
  result.tookMs = Date.now() - began;
  return result;
}
