// The venue's wifi (issue 12): a participant joins over 1 Mbps / 300 ms RTT in Chromium with CDP
// network emulation. Measures the first visit (empty cache, cache disabled) from navigation to a
// usable join form and on to the board once joined, the repeat visit (same browser, warm HTTP
// cache), the bytes over the wire, and the floor those bytes and the unavoidable round
// trips allow. Run by `npm run bench` (section `wifi`) or alone:
//   node --import tsx bench/wifi.ts [--url http://host:port | --client-dir DIR] [--samples 3]
// Without either, the client is built (precompressed) into a temporary directory and served by
// an in-process server: the shared dist/ is left alone.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { createServer } from '../server/app.js';
import { loadConfig } from '../server/config.js';

/** The venue: 1 Mbps each way, 300 ms round trip (CDP adds `latency` once per request). */
export const WIFI = { bitsPerSecond: 1_000_000, rttMs: 300 };
const BYTES_PER_S = WIFI.bitsPerSecond / 8;

/**
 * Round trips nothing can remove, on the way to the join form: the page, the scripts and styles it
 * names (fetched together), the workshop's name and groups; then on to the board: the join, and
 * the group's document (its WebSocket and first sync answer).
 */
export const FLOOR_ROUND_TRIPS = { form: 3, board: 2 };

export interface WifiVisit {
  /** From the navigation's start (the page's clock) to the join form usable (first visit only). */
  formMs: number;
  /** Navigation to the board connected with its cards, less the time between form and join request. */
  boardMs: number;
  /** Bytes received when the join form was usable (first visit only). */
  formBytes: number;
  /** What came down: HTTP responses as sent (headers and compressed bodies), WebSocket frames. */
  httpBytes: number;
  wsBytes: number;
  requests: number;
  /** HTTP bytes per kind of resource (document, script, stylesheet, fetch…). */
  byType: Record<string, number>;
}

export interface WifiResult {
  network: typeof WIFI;
  floorRoundTrips: typeof FLOOR_ROUND_TRIPS;
  samples: number;
  first: WifiVisit[];
  repeat: WifiVisit[];
  /** Medians of the first visits, the floor for their bytes, and the ratio (target ≤ 1.3). */
  summary: {
    formMs: number;
    boardMs: number;
    bytes: number;
    floorMs: number;
    ratio: number;
    formFloorMs: number;
    formBytes: number;
    repeatBoardMs: number;
    repeatBytes: number;
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Counts what the page receives, from CDP's network events. */
function meter(cdp: CDPSession) {
  const types = new Map<string, string>();
  /** Every request's URL, start and end (ms on the page's clock), for --trace. */
  const trace = new Map<string, { url: string; start: number; end?: number; bytes?: number }>();
  cdp.on('Network.requestWillBeSent', (e) =>
    trace.set(e.requestId, { url: e.request.url, start: e.timestamp * 1000 }),
  );
  cdp.on('Network.webSocketCreated', (e) =>
    trace.set(e.requestId, { url: e.url, start: performance.now() }),
  );
  let counts = { httpBytes: 0, wsBytes: 0, requests: 0, byType: {} as Record<string, number> };
  cdp.on('Network.requestWillBeSent', (e) => types.set(e.requestId, e.type ?? 'Other'));
  cdp.on('Network.loadingFinished', (e) => {
    const type = types.get(e.requestId) ?? 'Other';
    counts.httpBytes += e.encodedDataLength;
    counts.requests += 1;
    counts.byType[type] = (counts.byType[type] ?? 0) + e.encodedDataLength;
    const t = trace.get(e.requestId);
    if (t) Object.assign(t, { end: e.timestamp * 1000, bytes: e.encodedDataLength });
  });
  cdp.on('Network.webSocketFrameReceived', (e) => {
    const { opcode, payloadData } = e.response;
    // Binary frames (opcode 2) come base64-encoded; text frames as they are.
    counts.wsBytes +=
      opcode === 2 ? Buffer.from(payloadData, 'base64').byteLength : Buffer.byteLength(payloadData);
  });
  return {
    trace: () => {
      const list = [...trace.values()].filter((t) => !t.url.startsWith('ws'));
      const origin = Math.min(...list.map((t) => t.start));
      return list.map(
        (t) =>
          `${(t.start - origin).toFixed(0).padStart(6)} → ${t.end === undefined ? '     …' : (t.end - origin).toFixed(0).padStart(6)} ms ${String(t.bytes ?? '').padStart(7)} B ${t.url.replace(/^https?:\/\/[^/]+/, '')}`,
      );
    },
    /** Everything received so far, without resetting. */
    peek: () => counts.httpBytes + counts.wsBytes,
    take() {
      const taken = counts;
      counts = { httpBytes: 0, wsBytes: 0, requests: 0, byType: {} };
      return taken;
    },
  };
}

async function emulate(cdp: CDPSession, cacheDisabled: boolean) {
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: WIFI.rttMs,
    downloadThroughput: BYTES_PER_S,
    uploadThroughput: BYTES_PER_S,
  });
}

/** The page's own marks, on its clock (ms since the navigation began), set by MARKS below. */
interface Marks {
  form?: number;
  join?: number;
  board?: number;
}

/**
 * Runs in the page before its scripts: notes the moment the join form becomes usable, the moment
 * it is submitted and the moment the board is there (connected, with the group's cards). Timed in
 * the page, so neither the driver's polling nor its messages on a busy machine count.
 */
// A string, not a function: the TypeScript loader may wrap functions with helpers the page lacks.
const MARKS = `(() => {
  const marks = {};
  window.__wifi = marks;
  const q = (selector) => document.querySelector(selector);
  const check = () => {
    if (marks.form === undefined && q('#name:enabled') && q('form button[type=submit]:enabled'))
      marks.form = performance.now();
    if (marks.board === undefined && q('[data-testid=connection][data-status=connected]') && q('[data-testid=card]'))
      marks.board = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener('submit', () => { if (marks.join === undefined) marks.join = performance.now(); }, true);
})();`;

async function marksOf(page: Page, key: keyof Marks): Promise<Marks> {
  // An arrow with no named function inside: nothing for the TypeScript loader to wrap, and no
  // string for the page's CSP to refuse.
  const handle = await page.waitForFunction(
    (k: keyof Marks) => {
      const marks = (window as unknown as { __wifi?: Marks }).__wifi;
      return marks && marks[k] !== undefined ? marks : null;
    },
    key,
    { timeout: 60_000, polling: 50 },
  );
  return (await handle.jsonValue()) as Marks;
}

async function visit(browser: Browser, url: string, name: string) {
  // Service workers blocked: CDP emulates the page's own requests, not those a service worker
  // makes for it, which would then fly at loopback speed (a lazy chunk, the page on a repeat
  // visit). Without it every byte crosses the emulated wifi; the repeat visit uses the HTTP cache.
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1366, height: 768 },
    serviceWorkers: 'block',
  });
  try {
    await context.addInitScript({ content: MARKS });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const counter = meter(cdp);
    // First visit: a new profile (nothing cached, no service worker) with the cache disabled.
    await emulate(cdp, true);
    await page.goto(url, { waitUntil: 'commit' });
    const atForm = await marksOf(page, 'form');
    const formBytes = counter.peek();
    await page.locator('#name').fill(name);
    const radio = page.getByRole('radio').first();
    if (await radio.count()) await radio.check();
    await page.locator('form button[type=submit]').click();
    const atBoard = await marksOf(page, 'board');
    // From the form to the join leaving is the person's time (here the robot typing and
    // clicking): it is left out, the board is timed from the moment the join is submitted.
    const formMs = atForm.form!;
    const boardMs = formMs + (atBoard.board! - atBoard.join!);
    if (process.env.WIFI_TRACE) process.stdout.write(`${counter.trace().join('\n')}\n`);
    const first: WifiVisit = { formMs, formBytes, boardMs, ...counter.take() };

    // Repeat visit: the same browser comes back (HTTP cache and identity kept).
    await emulate(cdp, false);
    await page.goto(url, { waitUntil: 'commit' });
    const again = await marksOf(page, 'board');
    const repeat: WifiVisit = {
      formMs: NaN,
      formBytes: NaN,
      boardMs: again.board!,
      ...counter.take(),
    };
    return { first, repeat };
  } finally {
    await context.close();
  }
}

/** A production build of the client into a directory of its own (the Vite config precompresses). */
function buildClient(repoRoot: string): string {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-wifi-client-'));
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 240_000,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  return outDir;
}

export async function measureWifi(options: {
  url?: string;
  clientDir?: string;
  samples: number;
  log?: (line: string) => void;
}): Promise<WifiResult> {
  const log = options.log ?? (() => undefined);
  let stop = async () => undefined as void;
  let baseUrl = options.url;
  if (!baseUrl) {
    const built = options.clientDir ? null : buildClient(repoRoot);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-wifi-'));
    const server = createServer(
      loadConfig(
        { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        { clientDir: path.resolve(options.clientDir ?? built!) },
      ),
    );
    baseUrl = (await server.listen()).url;
    stop = async () => {
      // At most 5 s: with nothing left to keep it alive, a close that waits on a promise no timer
      // or socket holds would end the process before the report is out.
      await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);
      rmSync(dataDir, { recursive: true, force: true });
      if (built) rmSync(built, { recursive: true, force: true });
    };
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    // The demo workshop: 6 groups, 60 people, 46 recommendations, like the day itself.
    const res = await fetch(`${baseUrl}/api/demo`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`demo workshop: ${res.status}`);
    const { code } = (await res.json()) as { code: string };
    const first: WifiVisit[] = [];
    const repeat: WifiVisit[] = [];
    for (let i = 0; i < options.samples; i++) {
      const r = await visit(browser, `${baseUrl}/w/${code}`, `Invité ${i + 1}`);
      first.push(r.first);
      repeat.push(r.repeat);
      log(
        `  visit ${i + 1}: form ${r.first.formMs.toFixed(0)} ms, board ${r.first.boardMs.toFixed(0)} ms, ${(r.first.httpBytes / 1024).toFixed(1)} KiB HTTP + ${(r.first.wsBytes / 1024).toFixed(1)} KiB WebSocket; again: board ${r.repeat.boardMs.toFixed(0)} ms, ${(r.repeat.httpBytes / 1024).toFixed(1)} KiB`,
      );
    }
    const bytes = median(first.map((v) => v.httpBytes + v.wsBytes));
    const formBytes = median(first.map((v) => v.formBytes));
    const rtt = (n: number) => n * WIFI.rttMs;
    const floorMs =
      (1000 * bytes) / BYTES_PER_S + rtt(FLOOR_ROUND_TRIPS.form + FLOOR_ROUND_TRIPS.board);
    const boardMs = median(first.map((v) => v.boardMs));
    return {
      network: WIFI,
      floorRoundTrips: FLOOR_ROUND_TRIPS,
      samples: options.samples,
      first,
      repeat,
      summary: {
        formMs: median(first.map((v) => v.formMs)),
        boardMs,
        bytes,
        floorMs,
        ratio: boardMs / floorMs,
        formBytes,
        formFloorMs: (1000 * formBytes) / BYTES_PER_S + rtt(FLOOR_ROUND_TRIPS.form),
        repeatBoardMs: median(repeat.map((v) => v.boardMs)),
        repeatBytes: median(repeat.map((v) => v.httpBytes + v.wsBytes)),
      },
    };
  } finally {
    await browser.close();
    await stop();
  }
}

/** The Markdown table `npm run bench` appends to its report. */
export function renderWifi(w: WifiResult): string {
  const s = w.summary;
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;
  return [
    `### Joining over the venue's wifi (${w.network.bitsPerSecond / 1e6} Mbps, ${w.network.rttMs} ms RTT, Chromium, median of ${w.samples})`,
    '',
    '| | measured | bytes down | floor | ratio |',
    '|---|---:|---:|---:|---:|',
    `| first visit, join form usable | ${ms(s.formMs)} | ${kib(s.formBytes)} | ${ms(s.formFloorMs)} | ${(s.formMs / s.formFloorMs).toFixed(2)}× |`,
    `| first visit, on the board after joining | ${ms(s.boardMs)} | ${kib(s.bytes)} | ${ms(s.floorMs)} | **${s.ratio.toFixed(2)}×** |`,
    `| repeat visit, on the board | ${ms(s.repeatBoardMs)} | ${kib(s.repeatBytes)} | | |`,
    '',
    `Floor: bytes down ÷ ${w.network.bitsPerSecond / 1e6} Mbps + ${w.floorRoundTrips.form + w.floorRoundTrips.board} round trips × ${w.network.rttMs} ms (${w.floorRoundTrips.form} to the form: page, its assets, the workshop; ${w.floorRoundTrips.board} to the board: the join, the group document's sync).`,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'client-dir': { type: 'string' },
      samples: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await measureWifi({
    url: values.url,
    clientDir: values['client-dir'],
    samples: Number(values.samples),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const out = `\n${renderWifi(result)}\n${values.json ? `${JSON.stringify(result, null, 1)}\n` : ''}`;
  // Exit only once the pipe has the report (an early exit truncates piped output).
  process.stdout.write(out, () => process.exit(0));
}
