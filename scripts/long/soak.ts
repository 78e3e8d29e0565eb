// The soak: `npm run long:soak -- --minutes 10`. Participants (200 by default) in several
// workshops at once write and vote at a human pace; workshops end (everyone leaves) and new ones
// start, so rooms must load and unload all along. Every 10 s the server's GET /metrics is sampled
// (RSS, heap, event-loop delay p99, rooms and connections in memory). The verdict: memory not
// growing after warm-up, and no room left in memory once everyone has left. Writes a JSON summary.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LoadWindow } from '../../bench/lib/procstat.js';
import type { MetricsSample } from '../../server/http/metrics.js';
import { errorLines, freePort, metrics, serverSpec, start } from './server.js';
import { ask } from './clients.js';
import {
  closeWorkshop,
  openWorkshop,
  pace,
  sleep,
  typeOnce,
  voteOnce,
  type Workshop,
} from './sim.js';
import { MiB, distribution, round, slope } from './stats.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    participants: { type: 'string', default: '200' },
    workshops: { type: 'string', default: '8' },
    'group-size': { type: 'string', default: '5' },
    'sample-seconds': { type: 'string', default: '10' },
    /** The verdict's bound on the RSS growth over the second half, in MiB per minute. */
    'max-slope': { type: 'string', default: '2' },
    out: { type: 'string', default: 'scripts/long/results/soak.json' },
  },
});
const minutes = Number(args.minutes);
const participants = Number(args.participants);
const slots = Number(args.workshops);
const groupSize = Number(args['group-size']);
const sampleMs = Number(args['sample-seconds']) * 1000;
const maxSlope = Number(args['max-slope']);
const durationMs = minutes * 60_000;
/** A workshop's life: a fraction of the run (a few workshops per slot), never under 40 s. */
const lifeMs = () => Math.max(40_000, durationMs * (0.25 + Math.random() * 0.15));
/** What people do, in ms between two actions of one person: a keystroke, a dot. */
const TYPE_MS: [number, number] = [150, 3000];
const VOTE_MS: [number, number] = [2000, 10_000];

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-soak-'));
const spec = serverSpec(dataDir, await freePort());
const { server } = await start(spec);
const url = server.url;
const t0 = Date.now();
const open = new Set<Workshop>();
const totals = { workshops: 0, edits: 0, votes: 0, refused: 0, unanswered: 0 };

interface Row extends MetricsSample {
  t: number;
  workshopsOpen: number;
  participantsOpen: number;
  /** Cores used since the previous sample by the server, by this script, by everything else. */
  serverCores: number;
  clientCores: number;
  otherCores: number;
}
// The machine is shared: each sample says how busy it was, and how much of that was not us.
const serverLoad = new LoadWindow(() => [server.child.pid ?? -1]);
const ownLoad = new LoadWindow(() => [server.child.pid ?? -1, process.pid]);
const samples: Row[] = [];
async function sample(): Promise<Row> {
  const m = await metrics(url, spec.metricsToken);
  const load = ownLoad.read();
  const serverCores = serverLoad.read().ownCores;
  ownLoad.restart();
  serverLoad.restart();
  const row: Row = {
    ...m,
    t: round((Date.now() - t0) / 1000),
    workshopsOpen: open.size,
    participantsOpen: [...open].reduce((s, w) => s + w.participants.length, 0),
    serverCores,
    clientCores: Math.max(0, load.ownCores - serverCores),
    otherCores: load.otherCores,
  };
  samples.push(row);
  process.stdout.write(
    `${String(row.t).padStart(6)} s  rss ${(row.rssBytes / MiB).toFixed(1)} MiB  heap ${(row.heapUsedBytes / MiB).toFixed(1)} MiB  ` +
      `loop p99 ${row.loop.p99Ms.toFixed(1)} ms  rooms ${row.rooms}  conns ${row.connections}  ` +
      `workshops ${row.workshopsOpen}  people ${row.participantsOpen}  ` +
      `cores: server ${row.serverCores.toFixed(2)} clients ${row.clientCores.toFixed(2)} others ${row.otherCores.toFixed(2)}\n`,
  );
  return row;
}

/** One slot: workshops one after the other until the run's end; each writes, votes, then leaves. */
async function slot(index: number): Promise<void> {
  await sleep(index * 1500); // arrivals spread out, as rooms fill at different times
  let n = 0;
  while (Date.now() - t0 < durationMs - 30_000) {
    const life = Math.min(lifeMs(), durationMs - (Date.now() - t0));
    const w = await openWorkshop(url, {
      title: `Soak ${index}.${++n}`,
      groups: Math.max(1, Math.round(participants / slots / groupSize)),
      perGroup: groupSize,
      mode: 'write',
      voteBudget: 5,
    });
    open.add(w);
    totals.workshops++;
    const writing = pace(w.participants, (p) => typeOnce(p), ...TYPE_MS);
    await sleep(life * 0.65);
    await writing.stop();
    const vote = await ask(w.facilitator.socket, 'phase:set', { phase: 'vote' });
    if (!vote?.ok) throw new Error(`phase vote: ${JSON.stringify(vote)}`);
    const voting = pace(w.participants, (p) => voteOnce(p), ...VOTE_MS);
    await sleep(life * 0.35);
    await voting.stop();
    for (const p of w.participants) {
      totals.edits += p.edits;
      totals.votes += p.ledger.counts.ok;
      totals.refused += p.ledger.counts.refused;
      totals.unanswered += p.ledger.counts.unknown;
    }
    // The workshop is over: everyone closes their laptop.
    closeWorkshop(w);
    open.delete(w);
  }
}

process.stdout.write(
  `soak: ${minutes} min, ${participants} participants in ${slots} workshops at a time, server ${url}\n`,
);
const sampler = setInterval(
  () => void sample().catch((e: unknown) => process.stderr.write(`${String(e)}\n`)),
  sampleMs,
);
await sample();
await Promise.all(Array.from({ length: slots }, (_, i) => slot(i)));
clearInterval(sampler);
const leftAt = Date.now();
// Everyone has left: rooms must unload (each compacts and frees its document).
let last = await sample();
while ((last.rooms > 0 || last.connections > 0) && Date.now() - leftAt < 60_000) {
  await sleep(1000);
  last = await sample();
}
const unloadMs = Date.now() - leftAt;

server.child.kill('SIGTERM');
const exit = await server.exited;
const errors = errorLines(server);
rmSync(dataDir, { recursive: true, force: true });

const duringRun = samples.filter((s) => s.t * 1000 <= durationMs);
const secondHalf = duringRun.filter((s) => s.t * 1000 >= durationMs / 2);
const perMinute = (key: 'rssBytes' | 'heapUsedBytes') =>
  round(slope(secondHalf.map((s) => ({ x: s.t / 60, y: s[key] / MiB }))), 2);
const rssSlope = perMinute('rssBytes');
const verdict = {
  rssSlopeMiBPerMin: rssSlope,
  heapSlopeMiBPerMin: perMinute('heapUsedBytes'),
  // One-sided: a leak grows. RSS moves ±20 MiB as V8 and malloc hand memory back, so a falling
  // slope over a few minutes is noise, not a problem; the heap's slope is the finer witness.
  noGrowth: rssSlope < maxSlope,
  maxSlopeMiBPerMin: maxSlope,
  roomsAfterLeaving: last.rooms,
  connectionsAfterLeaving: last.connections,
  emptied: last.rooms === 0 && last.connections === 0,
  unloadMs,
  cleanExit: exit.code === 0,
  serverErrors: errors.length,
};
const summary = {
  run: 'soak',
  at: new Date(t0).toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, shared: true },
  options: {
    minutes,
    participants,
    workshops: slots,
    groupSize,
    sampleSeconds: sampleMs / 1000,
    typeMs: TYPE_MS,
    voteMs: VOTE_MS,
  },
  totals,
  rssMiB: distribution(duringRun.map((s) => s.rssBytes / MiB)),
  heapMiB: distribution(duringRun.map((s) => s.heapUsedBytes / MiB)),
  loopP99Ms: distribution(duringRun.map((s) => s.loop.p99Ms)),
  rooms: distribution(duringRun.map((s) => s.rooms)),
  /** Cores used by other people's work on the machine, per sample. */
  otherCores: distribution(duringRun.map((s) => s.otherCores)),
  serverCores: distribution(duringRun.map((s) => s.serverCores)),
  verdict,
  firstErrors: errors.slice(0, 5),
  samples: samples.map((s) => ({
    t: s.t,
    rssMiB: round(s.rssBytes / MiB),
    heapMiB: round(s.heapUsedBytes / MiB),
    loopP99Ms: round(s.loop.p99Ms),
    loopMaxMs: round(s.loop.maxMs),
    rooms: s.rooms,
    connections: s.connections,
    handles: s.handles,
    workshops: s.workshopsOpen,
    people: s.participantsOpen,
    serverCores: round(s.serverCores, 2),
    clientCores: round(s.clientCores, 2),
    otherCores: round(s.otherCores, 2),
  })),
};
mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(summary, null, 1)}\n`);
process.stdout.write(`${JSON.stringify({ totals, verdict }, null, 2)}\nwritten to ${args.out}\n`);
process.exit(
  verdict.noGrowth && verdict.emptied && verdict.cleanExit && errors.length === 0 ? 0 : 1,
);
