// One scenario on its own, for investigating: `node --import tsx bench/one.ts <atelier|relay|
// hocuspocus> [participants] [groups] [edits/s]`. Environment: MEASURE, WARM (ms), VOTES=0,
// SOCKETS=0, WORKERS, PROFILE=<dir> (V8 CPU profiles of the server per phase),
// BENCH_TRACE_GC=<file> (the server's --trace-gc lines), BENCH_SERVER_FLAGS='--flag …' (node flags).
import { summarizeProfile, profileMarkdown } from './lib/cpuprofile.js';
import type { ServerKind } from './lib/protocol.js';
import { runScenario } from './scenario.js';

const kind = (process.argv[2] ?? 'atelier') as ServerKind;
const participants = Number(process.argv[3] ?? 60);
const groups = Number(process.argv[4] ?? 6);
const rate = Number(process.argv[5] ?? 2);
const env = process.env;
const r = await runScenario({
  kind,
  participants,
  groups,
  rate,
  warmupMs: Number(env.WARM ?? 2000),
  measureMs: Number(env.MEASURE ?? 8000),
  votes: env.VOTES !== '0',
  sockets: env.SOCKETS !== '0',
  workers: Number(env.WORKERS ?? 2),
  connectDeadlineMs: 120_000,
  profileDir: env.PROFILE,
  log: (line) => console.log(line),
});

const f = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '—' : String(Math.round(x * 100) / 100);
const s = (x: { p50: number; p95: number; p99: number; max: number; n: number } | undefined) =>
  x ? `p50 ${f(x.p50)} p95 ${f(x.p95)} p99 ${f(x.p99)} max ${f(x.max)} (n ${x.n})` : '—';
const json = (x: unknown) =>
  JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' ? Number(f(v)) : v));
console.log(
  `${kind} ${participants} participants: ${r.ok ? 'ok' : `FAILED ${r.failure}`} in ${f(r.tookMs / 1000)} s`,
);
console.log(
  `  edits/s ${f(r.editsPerSecond)}, missing ${r.missing}, converged ${r.converged}, late joiner ${r.serverCopyMatches}, lost on kill ${f(r.lostOnKill)}`,
);
console.log(`  edit-to-peer ${s(r.editToPeer?.all)}`);
console.log(
  `  on a quiet machine ${s(r.editToPeer?.quiet)}, ${f(100 * (r.editToPeer?.quietShare ?? NaN))} % of deliveries; busy slots ${f(100 * (r.busySlots ?? NaN))} %`,
);
console.log(`  server ${json(r.server)}`);
console.log(`  load generators ${json(r.loadgen)}`);
console.log(`  machine ${json(r.machine)}`);
console.log(`  storage ${json(r.storage)}`);
for (const [name, v] of Object.entries(r.votes ?? {})) {
  console.log(
    `  votes ${name}: ${s(v.summary)}; refused ${json(v.refused)}, lost ${v.lost}; edit-to-peer meanwhile ${s(v.editToPeerDuringVotes)}`,
  );
}
console.log(`  connect ${json(r.connect)}`);
for (const [phase, file] of Object.entries(r.profiles))
  console.log(profileMarkdown(`${phase}: ${file}`, summarizeProfile(file)));
