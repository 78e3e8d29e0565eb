// The restart storm: `npm run long:storm -- --clients 500`. That many participants (each a stock
// WebsocketProvider and a socket.io-client socket, with the page's reconnection backoff) write in
// several workshops; the server is SIGKILLed and restarted on the same data, and everyone comes
// back at once. Measures how many are whole again (document synced, socket answered) within 10 s
// and the distribution; checks at each crash and at the end that no edit another client saw is lost.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LoadWindow } from '../../bench/lib/procstat.js';
import type { ChildServer } from '../../tests/helpers/process.js';
import { checkAtCrash, checkAtEnd } from './checks.js';
import { errorLines, freePort, kill, metrics, serverSpec, start } from './server.js';
import { refusals } from './clients.js';
import {
  closeWorkshop,
  disconnected,
  openWorkshop,
  pace,
  resynced,
  notBack,
  resyncTimes,
  sleep,
  typeOnce,
  until,
  type Workshop,
} from './sim.js';
import { MiB, distribution, round, type Distribution } from './stats.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '500' },
    workshops: { type: 'string', default: '5' },
    'group-size': { type: 'string', default: '10' },
    kills: { type: 'string', default: '3' },
    /** Writing before each kill, once everyone is back (s). */
    'between-seconds': { type: 'string', default: '15' },
    /** The figure asked for: how many are back within this many seconds of the restart. */
    'window-seconds': { type: 'string', default: '10' },
    out: { type: 'string', default: 'scripts/long/results/storm.json' },
  },
});
const clients = Number(args.clients);
const workshopCount = Number(args.workshops);
const groupSize = Number(args['group-size']);
const kills = Number(args.kills);
const betweenMs = Number(args['between-seconds']) * 1000;
const windowMs = Number(args['window-seconds']) * 1000;
/** A person types a character every 0.3–3 s: a room writing, not a benchmark. */
const TYPE_MS: [number, number] = [300, 3000];
const BACK_TIMEOUT_MS = 180_000;

interface StormRound {
  kill: number;
  /** Edits clients had seen from others at the kill, and how many the database lacked. */
  observedItems: number;
  lostItems: number;
  /** From the kill to the restarted server listening; of which the process start. */
  downMs: number;
  startMs: number;
  /** Participants whole again within the window after the restart, out of all. */
  backWithinWindow: number;
  participants: number;
  /** Per participant: from the restart (server listening), and from the kill. */
  fromListeningMs: Distribution;
  fromKillMs: Distribution;
  /** The server during the storm (from its start until everyone was back). */
  loopP99Ms: number;
  loopMaxMs: number;
  rssMiB: number;
  /** Cores used from the restart until everyone was back: the server, this script's clients, others. */
  serverCores: number;
  clientCores: number;
  otherCores: number;
  /** What the server refused during the storm (close codes, handshake errors), by kind. */
  refused: Record<string, number>;
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-storm-'));
const spec = serverSpec(dataDir, await freePort());
const t0 = Date.now();
let current: ChildServer | null = (await start(spec)).server;
const errors: string[] = [];
const rounds: StormRound[] = [];
/** Every participant's time back after every restart, from the server listening (ms). */
const everyone: number[] = [];
let workshops: Workshop[] = [];
let typing: { stop(): Promise<void> } | null = null;
const log = (line: string) => process.stdout.write(`${line}\n`);

try {
  const perWorkshop = Math.ceil(clients / workshopCount);
  for (let i = 0; i < workshopCount; i++) {
    workshops.push(
      await openWorkshop(current.url, {
        title: `Tempête ${i + 1}`,
        groups: Math.ceil(perWorkshop / groupSize),
        perGroup: groupSize,
        mode: 'write',
        voteBudget: 5,
      }),
    );
    log(`workshop ${i + 1}: ${workshops.at(-1)!.participants.length} participants connected`);
  }
  const participants = workshops.flatMap((w) => w.participants);
  typing = pace(participants, (p) => typeOnce(p), ...TYPE_MS);

  for (let k = 1; k <= kills; k++) {
    await sleep(betweenMs);
    const killedAt = Date.now();
    errors.push(...errorLines(current));
    await kill(current);
    await until(() => workshops.every(disconnected), 60_000, 'every client to see the crash');
    const check = await checkAtCrash(path.join(dataDir, 'atelier.sqlite'), workshops, `kill ${k}`);
    if (check.voteProblems.length) errors.push(...check.voteProblems);

    const restarted = await start(spec);
    current = restarted.server;
    const since = restarted.listeningAt;
    const serverPid = current.child.pid ?? -1;
    const serverLoad = new LoadWindow(() => [serverPid]);
    const ownLoad = new LoadWindow(() => [serverPid, process.pid]);
    refusals.take();
    await until(
      () => workshops.every((w) => resynced(w, since)),
      BACK_TIMEOUT_MS,
      'everyone back',
    ).catch((error: unknown) => {
      const missing = workshops.flatMap((w) => notBack(w, since));
      throw new Error(
        `${(error as Error).message}; refusals ${JSON.stringify(refusals.take())}; ` +
          `${missing.length} not back:\n${missing.slice(0, 40).join('\n')}`,
      );
    });
    const refused = refusals.take();
    const load = ownLoad.read();
    const serverCores = serverLoad.read().ownCores;
    const server = await metrics(current.url, spec.metricsToken);
    const back = workshops.flatMap((w) => resyncTimes(w, since));
    everyone.push(...back);
    const r: StormRound = {
      kill: k,
      observedItems: check.observedItems,
      lostItems: check.lost,
      downMs: since - killedAt,
      startMs: restarted.startMs,
      backWithinWindow: back.filter((ms) => ms <= windowMs).length,
      participants: participants.length,
      fromListeningMs: distribution(back),
      fromKillMs: distribution(back.map((ms) => ms + since - killedAt)),
      loopP99Ms: round(server.loop.p99Ms),
      loopMaxMs: round(server.loop.maxMs),
      rssMiB: round(server.rssBytes / MiB),
      serverCores: round(serverCores, 2),
      clientCores: round(Math.max(0, load.ownCores - serverCores), 2),
      otherCores: round(load.otherCores, 2),
      refused,
    };
    rounds.push(r);
    log(
      `kill ${k}: seen ${r.observedItems} items, lost ${r.lostItems}; down ${r.downMs} ms ` +
        `(start ${r.startMs} ms); back within ${windowMs / 1000} s: ${r.backWithinWindow}/${r.participants}; ` +
        `from restart p50 ${r.fromListeningMs.p50} p90 ${r.fromListeningMs.p90} p99 ${r.fromListeningMs.p99} ` +
        `max ${r.fromListeningMs.max} ms; server loop p99 ${r.loopP99Ms} ms, max ${r.loopMaxMs} ms, rss ${r.rssMiB} MiB; ` +
        `cores: server ${r.serverCores}, clients ${r.clientCores}, others ${r.otherCores}; ` +
        `refused ${JSON.stringify(r.refused)}`,
    );
  }

  await typing.stop();
  typing = null;
  const ended = workshops;
  workshops = [];
  const end = await checkAtEnd(spec, current, ended, BACK_TIMEOUT_MS);
  current = null;
  errors.push(...end.serverErrors, ...end.voteProblems);
  const lost = rounds.reduce((s, r) => s + r.lostItems, 0) + end.lost;
  const summary = {
    run: 'storm',
    at: new Date(t0).toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, shared: true },
    options: {
      clients: participants.length,
      workshops: workshopCount,
      groupSize,
      kills,
      betweenMs,
      windowMs,
      typeMs: TYPE_MS,
    },
    durationS: round((Date.now() - t0) / 1000),
    edits: participants.reduce((s, p) => s + p.edits, 0),
    finalItems: end.finalItems,
    lost,
    diverged: end.diverged,
    mismatched: end.mismatched,
    backWithinWindow: `${everyone.filter((ms) => ms <= windowMs).length}/${everyone.length}`,
    fromListeningMs: distribution(everyone),
    rounds,
    serverErrors: errors.slice(0, 20),
    ok: lost === 0 && end.diverged === 0 && end.mismatched === 0 && errors.length === 0,
  };
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(summary, null, 1)}\n`);
  log(
    `\nedits ${summary.edits}, lost ${lost}, diverged ${end.diverged}, reloaded documents that differ ${end.mismatched}, ` +
      `back within ${windowMs / 1000} s ${summary.backWithinWindow}, server errors ${errors.length}\n` +
      `${summary.ok ? 'OK' : 'FAILED'}; written to ${args.out}`,
  );
  process.exitCode = summary.ok ? 0 : 1;
} finally {
  if (typing) await typing.stop();
  for (const w of workshops) closeWorkshop(w);
  if (current) await kill(current);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit();
