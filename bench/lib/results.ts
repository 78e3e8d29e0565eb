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
  mode: 'full' | 'quick' | 'profile';
  startedAt: string;
  tookMs: number;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; kernel: string; loadAverageAtStart: number[] };
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
