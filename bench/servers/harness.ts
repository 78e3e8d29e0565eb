// What every benchmarked server process exposes to the coordinator over IPC: CPU time, memory
// and event-loop delay measured from inside the process, so the numbers are the server's alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { announce, serve, type Handlers } from '../lib/ipc.js';
import { LOOP_RESOLUTION_MS, loopMs } from '../lib/loop.js';

export interface ServerMetrics {
  /** CPU time used since the last reset, ms (user + system). */
  cpuMs: number;
  wallMs: number;
  /** cpuMs / wallMs: 1.0 is one core fully busy. */
  cpuCores: number;
  rssBytes: number;
  /** Peak resident set since the process started (VmHWM). */
  peakRssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  /** Event-loop delay since the last reset, ms. */
  loopDelay: { p50: number; p99: number; max: number; mean: number };
  extra: Record<string, unknown>;
}

export interface ServerHarness {
  /** Called by the server entry once it listens. */
  ready(port: number, info?: Record<string, unknown>): void;
}

function peakRss(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function startHarness(options: {
  extra?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  stop: () => Promise<void>;
  handlers?: Handlers;
}): ServerHarness {
  const eld = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  eld.enable();
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const gc = (globalThis as { gc?: () => void }).gc;
  let session: Session | null = null;

  async function metrics(): Promise<ServerMetrics> {
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const mem = process.memoryUsage();
    return {
      cpuMs,
      wallMs,
      cpuCores: cpuMs / wallMs,
      rssBytes: mem.rss,
      peakRssBytes: peakRss(),
      heapUsedBytes: mem.heapUsed,
      externalBytes: mem.external,
      loopDelay: {
        p50: loopMs(eld.percentile(50)),
        p99: loopMs(eld.percentile(99)),
        max: loopMs(eld.max),
        mean: loopMs(eld.mean),
      },
      extra: options.extra ? await options.extra() : {},
    };
  }

  serve({
    reset: () => {
      eld.reset();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      return null;
    },
    metrics,
    /** Full collection first, so memory figures are what the server holds, not garbage. */
    gcMetrics: async () => {
      if (gc) {
        gc();
        gc();
      }
      return metrics();
    },
    /** Starts the V8 CPU profiler (the one behind --cpu-prof) on this process, for one phase. */
    profileStart: async ({ intervalUs = 250 }: { intervalUs?: number }) => {
      if (!session) {
        session = new Session();
        session.connect();
      }
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
      await session.post('Profiler.start');
      return null;
    },
    profileStop: async ({ file }: { file: string }) => {
      if (!session) throw new Error('profileStart first');
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(path.resolve(file), JSON.stringify(profile));
      return path.resolve(file);
    },
    stop: async () => {
      await options.stop();
      setImmediate(() => process.exit(0));
      return null;
    },
    ...options.handlers,
  });

  return {
    ready(port, info = {}) {
      announce({ port, ...info });
    },
  };
}
