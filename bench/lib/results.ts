// The shape of a bench run's results (bench/results/latest.json), shared by the runner, the
// Markdown report and the chart.
import type { BundleSize } from '../bundle.js';
import type { LoadTimes, PrepareResult } from '../coldload.js';
import type { ScenarioResult } from '../scenario.js';
import type { ProfileSummary } from './cpuprofile.js';

export interface Plan {
  mainRounds: number;
  main: { participants: number; groups: number; rate: number; warmupMs: number; measureMs: number };
  presenceSteps: number[];
  rampSteps: number[];
  ramp: { rate: number; warmupMs: number; measureMs: number };
  coldSamples: number;
  capacityP99Ms: number;
  quietWaitMs: number;
  quietCores: number;
}

export interface ColdLoadResult {
  prepared: PrepareResult & { prepareMs: number };
  /** After a crash just before compaction (full log tails): the worst case. */
  cold: LoadTimes[];
  warm: LoadTimes[];
  /** After a clean shutdown (every document compacted): the usual case. */
  cleanCold: LoadTimes[];
  cleanWarm: LoadTimes[];
}

export interface BenchResults {
  mode: 'full' | 'quick' | 'profile' | 'compare';
  startedAt: string;
  tookMs: number;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    kernel: string;
    loadAverageAtStart: number[];
  };
  commit: string;
  workers: number;
  plan: Plan;
  bundle?: BundleSize;
  coldLoad?: ColdLoadResult;
  /** rounds × servers, each round in a rotated order. */
  main?: ScenarioResult[][];
  presence?: ScenarioResult[];
  ramp?: ScenarioResult[];
  profiles?: Record<string, ProfileSummary>;
  /** Runs measured again because other processes were busy for most of their window. */
  remeasured?: ScenarioResult[];
  /** --compare REF: Atelier now, Atelier at REF (`variant` is `@sha`), the bare relay. */
  compare?: ScenarioResult[];
  notes: string[];
}

/** The targets of issue #6. */
export const TARGETS = {
  mainP99Ms: 20,
  voteAckP99Ms: 50,
  capacityParticipants: 1000,
  capacityP99Ms: 100,
  relayRatio: 1.25,
  hocuspocusRatio: 1,
  memoryPerParticipantBytes: 100 * 1024,
  loadMs: 50,
  bundleGzipBytes: 150 * 1000,
} as const;

/** Quiet-only figures are used when at least this share of deliveries flew on a quiet machine. */
export const MIN_QUIET_SHARE = 0.3;

/**
 * The p99 a verdict uses: over the edits that flew while other processes left the machine alone
 * (see QUIET_LIMIT_CORES in scenario.ts), when there are enough of them; else over every edit.
 */
export function verdictP99(r: ScenarioResult): { value: number; basis: 'quiet' | 'all' } {
  const e = r.editToPeer;
  if (!e) return { value: NaN, basis: 'all' };
  return e.quietShare >= MIN_QUIET_SHARE
    ? { value: e.quiet.p99, basis: 'quiet' }
    : { value: e.all.p99, basis: 'all' };
}

/** A server's ramp steps in order, the last attempt of each step only (steps may be retried). */
export function lastAttempts(
  runs: ScenarioResult[],
  kind: ScenarioResult['kind'],
): ScenarioResult[] {
  const byStep = new Map<number, ScenarioResult>();
  for (const r of runs) if (r.kind === kind) byStep.set(r.participants, r);
  return [...byStep.values()].sort((a, b) => a.participants - b.participants);
}

/** The same rule for a vote burst's acknowledgement p99. */
export function verdictVoteP99(v: NonNullable<ScenarioResult['votes']>[string] | undefined): {
  value: number;
  basis: 'quiet' | 'all';
} {
  if (!v) return { value: NaN, basis: 'all' };
  return v.quietShare >= MIN_QUIET_SHARE
    ? { value: v.quiet.p99, basis: 'quiet' }
    : { value: v.summary.p99, basis: 'all' };
}
