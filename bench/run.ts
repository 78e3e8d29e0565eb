// `npm run bench`: the simulated workshop, side by side with the reference servers, on this
// machine. Writes bench/results/latest.json, latest.md (the tables of docs/benchmarks.md) and
// latency.svg. `--quick` is a one-minute smoke run; `--profile` records V8 CPU profiles of the
// Atelier server per phase and summarizes where its time goes. See docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureBundle } from './bundle.js';
import { renderChart } from './chart.js';
import type { LoadTimes, PrepareResult } from './coldload.js';
import { summarizeProfile } from './lib/cpuprofile.js';
import { Child } from './lib/ipc.js';
import type { ServerKind } from './lib/protocol.js';
import type { BenchResults, ColdLoadResult, Plan } from './lib/results.js';
import { renderReport } from './report.js';
import { runScenario, type ScenarioOptions, type ScenarioResult } from './scenario.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: path.join(repoRoot, 'bench', 'results') },
    workers: { type: 'string', default: '2' },
    rounds: { type: 'string' },
    steps: { type: 'string' },
    'budget-s': { type: 'string' },
  },
});

const quick = args.quick;
const sections = new Set((args.only ?? 'bundle,coldload,main,presence,ramp').split(','));
const workers = Number(args.workers);
const outDir = path.resolve(args.out);
/** The whole run stops starting new scenarios after this, so it ends well inside ten minutes. */
const budgetMs = Number(args['budget-s'] ?? (quick ? 75 : 540)) * 1000;

/** How each part of the run is sized (full / quick). */
const PLAN: Plan = {
  mainRounds: Number(args.rounds ?? (quick ? 1 : 2)),
  main: { participants: 60, groups: 6, rate: 2, warmupMs: quick ? 1500 : 3000, measureMs: quick ? 5000 : 15_000 },
  presenceSteps: quick ? [60] : [60, 150, 300],
  rampSteps: args.steps ? args.steps.split(',').map(Number) : quick ? [60, 300] : [60, 300, 1000, 1500, 2000],
  ramp: { rate: 1, warmupMs: quick ? 1500 : 2000, measureMs: quick ? 4000 : 8000 },
  coldSamples: quick ? 1 : 3,
  /** p99 edit-to-peer above this ends a server's ramp. */
  capacityP99Ms: 100,
};

/** Groups for a workshop of n: about 10 per group, at most the 50 a workshop allows. */
function groupsFor(n: number): number {
  return Math.min(50, Math.max(6, Math.round(n / 10)));
}

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s`;
const log = (line: string) => process.stdout.write(`[${elapsed()}] ${line}\n`);
const overBudget = () => Date.now() - t0 > budgetMs;

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    return dirty ? `${sha} (server/ or shared/ modified)` : sha;
  } catch {
    return 'unknown';
  }
}

const results: BenchResults = {
  mode: args.profile ? 'profile' : quick ? 'quick' : 'full',
  startedAt: new Date().toISOString(),
  tookMs: 0,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release(),
    loadAverageAtStart: os.loadavg(),
  },
  commit: gitCommit(),
  workers,
  plan: PLAN,
  notes: [],
};

function describe(r: ScenarioResult): string {
  const e = r.editToPeer?.all;
  const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(1));
  const status = r.ok ? 'ok' : `FAILED (${r.failure})`;
  return `${r.kind.padEnd(10)} ${String(r.participants).padStart(4)} p: p50 ${f(e?.p50)} p99 ${f(e?.p99)} max ${f(e?.max)} ms, server ${f(r.server.cpuCores * 100)} % CPU, other load ${f(r.machine?.otherCores)} cores — ${status}`;
}

async function scenario(o: Omit<ScenarioOptions, 'log' | 'workers' | 'connectDeadlineMs'> & { connectDeadlineMs?: number }) {
  const r = await runScenario({ connectDeadlineMs: 60_000, ...o, workers, log });
  log(describe(r));
  return r;
}

async function coldLoad(samples: number): Promise<ColdLoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-load-'));
  try {
    const file = path.join(dir, 'prepared.sqlite');
    const prep = Child.start(new URL('./coldload.ts', import.meta.url), { label: 'cold-load preparation' });
    await prep.ready;
    const tp = Date.now();
    const prepared = await prep.call<PrepareResult>('prepare', { file }, 180_000);
    const prepareMs = Date.now() - tp;
    await prep.stop();
    const copy = (name: string) => {
      const target = path.join(dir, name);
      copyFileSync(file, target);
      if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${target}-wal`);
      return target;
    };
    const cold: LoadTimes[] = [];
    const warm: LoadTimes[] = [];
    for (let i = 0; i < samples; i++) {
      // A fresh process per sample: nothing of the workshop is in memory, nothing is JIT-warm.
      const child = Child.start(new URL('./coldload.ts', import.meta.url), { label: `cold load ${i}` });
      await child.ready;
      cold.push(await child.call<LoadTimes>('load', { ...prepared, file: copy(`cold-${i}.sqlite`) }, 60_000));
      // The same process again: what a reload costs once the code is warm (e.g. after an unload).
      for (let k = 0; k < 3; k++) warm.push(await child.call<LoadTimes>('load', { ...prepared, file: copy(`warm-${i}-${k}.sqlite`) }, 60_000));
      await child.stop();
    }
    return { prepared: { ...prepared, prepareMs }, cold, warm };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  log(`Atelier bench (${results.mode}) on ${results.machine.cores} × ${results.machine.cpu}, ${results.machine.node}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  if (args.profile) {
    // Profiles only: the profiler's sampling costs the server some CPU, so these runs are kept
    // apart from the measured ones.
    const dir = path.join(outDir, 'profiles');
    mkdirSync(dir, { recursive: true });
    const runs = [
      await scenario({ kind: 'atelier', ...PLAN.main, votes: true, profileDir: dir }),
      await scenario({ kind: 'atelier', participants: 300, groups: 30, rate: 1, warmupMs: 2000, measureMs: 8000, votes: true, profileDir: dir }),
    ];
    results.profiles = {};
    for (const r of runs) {
      for (const [phase, file] of Object.entries(r.profiles)) {
        results.profiles[`${r.participants} participants, ${phase}`] = summarizeProfile(file, 40);
      }
    }
    results.main = [[runs[0]!]];
  } else {
    if (sections.has('bundle')) {
      log('participant page: building the client and measuring its JavaScript');
      try {
        const build = args.build && !args['no-build'];
        results.bundle = measureBundle(repoRoot, { build });
        log(`  ${(results.bundle.initialGzipBytes / 1000).toFixed(1)} kB gzipped up front, ${(results.bundle.allGzipBytes / 1000).toFixed(1)} kB in all`);
      } catch (error) {
        results.notes.push(`bundle: ${(error as Error).message.split('\n')[0]}`);
        log(`  bundle measurement failed: ${(error as Error).message.split('\n')[0]}`);
      }
    }

    if (sections.has('coldload')) {
      log('loading a 60-person workshop from disk');
      results.coldLoad = await coldLoad(PLAN.coldSamples);
      const c = results.coldLoad.cold.map((x) => x.workshopMs + x.docsMs);
      log(`  cold: ${c.map((v) => v.toFixed(1)).join(', ')} ms (${results.coldLoad.prepared.updates} updates written)`);
    }

    if (sections.has('main')) {
      log(`main scenario: ${PLAN.main.participants} participants in ${PLAN.main.groups} groups, ${PLAN.main.rate} edits/s each, ${PLAN.mainRounds} round(s)`);
      const order: ServerKind[] = ['atelier', 'relay', 'hocuspocus'];
      results.main = [];
      for (let round = 0; round < PLAN.mainRounds; round++) {
        const rotated = order.map((_, i) => order[(i + round) % order.length]!);
        const row: ScenarioResult[] = [];
        for (const kind of rotated) row.push(await scenario({ kind, ...PLAN.main, votes: true }));
        results.main.push(row);
      }
    }

    if (sections.has('presence')) {
      log('presence: Atelier with a Socket.IO connection per participant, everyone connecting at once');
      results.presence = [];
      for (const n of PLAN.presenceSteps) {
        if (overBudget()) {
          results.notes.push(`presence: ${n} participants skipped (time budget)`);
          break;
        }
        const r = await scenario({ kind: 'atelier', participants: n, groups: groupsFor(n), ...PLAN.ramp, votes: false, connectDeadlineMs: 90_000 });
        results.presence.push(r);
        const settle = Math.max(...r.connect.map((c) => c.presenceSettledMs));
        if (!r.ok || settle > 30_000) break;
      }
    }

    if (sections.has('ramp')) {
      log(`capacity ramp at ${PLAN.ramp.rate} edit/s each: ${PLAN.rampSteps.join(', ')} participants`);
      results.ramp = [];
      const alive = new Set<ServerKind>(['atelier', 'relay', 'hocuspocus']);
      for (const n of PLAN.rampSteps) {
        for (const kind of ['atelier', 'relay', 'hocuspocus'] as const) {
          if (!alive.has(kind)) continue;
          if (overBudget()) {
            results.notes.push(`ramp: ${kind} at ${n} participants skipped (time budget)`);
            continue;
          }
          // Atelier's Yjs layer alone here: the Socket.IO presence cost is measured above.
          const r = await scenario({ kind, participants: n, groups: groupsFor(n), ...PLAN.ramp, votes: false, sockets: false, connectDeadlineMs: 90_000 });
          results.ramp.push(r);
          if (!r.ok || !r.editToPeer || r.editToPeer.all.p99 > PLAN.capacityP99Ms) alive.delete(kind);
        }
        if (alive.size === 0) break;
      }
    }
  }

  results.tookMs = Date.now() - t0;
  writeFileSync(path.join(outDir, `${results.mode === 'full' ? 'latest' : results.mode}.json`), JSON.stringify(results, null, 1));
  const svg = renderChart(results);
  if (svg) writeFileSync(path.join(outDir, `${results.mode === 'full' ? 'latency' : `latency-${results.mode}`}.svg`), svg);
  const markdown = renderReport(results);
  writeFileSync(path.join(outDir, `${results.mode === 'full' ? 'latest' : results.mode}.md`), markdown);
  process.stdout.write(`\n${markdown}\n`);
  log(`done in ${(results.tookMs / 1000).toFixed(0)} s; results in ${path.relative(process.cwd(), outDir)}/`);
}

await main();
process.exit(0);
