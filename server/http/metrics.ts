// GET /metrics: the process's memory, event-loop delay and rooms in memory, for the long runs
// (scripts/long/) and an operator's probe. Off unless METRICS_TOKEN is set; then it answers only
// `Authorization: Bearer <METRICS_TOKEN>`, and anyone else gets what an unknown path gets.
import { createHash, timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Router, type NextFunction, type Request, type Response } from 'express';

/**
 * Sampling interval of the loop-delay histogram, in ms. Each sample includes this interval, so it
 * is subtracted from what is reported (as bench/lib/loop.ts does); 10 ms costs nothing measurable.
 */
const LOOP_RESOLUTION_MS = 10;

export interface MetricsSample {
  /** Epoch ms at which the sample was taken. */
  at: number;
  uptimeS: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Event-loop delay since the previous read (or since start): each read starts a new window. */
  loop: { windowS: number; samples: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Yjs documents loaded and their WebSocket connections. */
  rooms: number;
  connections: number;
  /** Handles and requests the process holds open (sockets, timers, files): a leak shows here. */
  handles: number;
}

export interface Metrics {
  router: Router;
  /** Stops the loop-delay histogram; the server's close() calls it. */
  close(): void;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function createMetrics(deps: {
  /** Null: the route does not exist. */
  token: string | null;
  stats: () => { rooms: number; connections: number };
}): Metrics {
  const router = Router();
  const { token } = deps;
  if (token === null) return { router, close: () => undefined };

  // Compared as fixed-length digests, so neither the token's length nor its prefix leaks by timing.
  const expected = digest(token);
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  histogram.enable();
  let windowStart = performance.now();
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);

  router.get('/metrics', (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // A stranger learns nothing, not even that the route exists: the request goes on to whatever
    // answers unknown paths (the client's index.html, or the API's 404).
    if (given.length === 0 || given.length > 512 || !timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    const memory = process.memoryUsage();
    const now = performance.now();
    const samples = histogram.count;
    const sample: MetricsSample = {
      at: Date.now(),
      uptimeS: process.uptime(),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      loop: {
        windowS: (now - windowStart) / 1000,
        samples,
        p50Ms: samples ? ms(histogram.percentile(50)) : 0,
        p99Ms: samples ? ms(histogram.percentile(99)) : 0,
        maxMs: samples ? ms(histogram.max) : 0,
      },
      ...deps.stats(),
      handles: process.getActiveResourcesInfo().length,
    };
    histogram.reset();
    windowStart = now;
    res.setHeader('Cache-Control', 'no-store');
    res.json(sample);
  });

  return {
    router,
    close() {
      histogram.disable();
    },
  };
}
