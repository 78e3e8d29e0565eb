// The crash suite's run, shared by `npm run long:crash` and tests/integration/crash-suite.test.ts:
// a workshop that co-writes (one workshop) and votes (another), the server a child process
// SIGKILLed at random moments and restarted on the same data, K times. At each crash, with no
// server running, the database is read and compared with what clients had seen; at the end every
// replica must have converged and a fresh server must serve exactly what they hold.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildServer } from '../../tests/helpers/process.js';
import { checkAtCrash, checkAtEnd, checkToldOnReconnect } from './checks.js';
import { errorLines, freePort, kill, serverSpec, start } from './server.js';
import { refusals, type Backoff } from './clients.js';
import {
  closeWorkshop,
  disconnected,
  notBack,
  openWorkshop,
  pace,
  resynced,
  resyncTimes,
  sleep,
  typeOnce,
  until,
  voteOnce,
  type Workshop,
} from './sim.js';
import { distribution, round, type Distribution } from './stats.js';

export interface CrashOptions {
  kills: number;
  /** The co-writing workshop: groups × people. */
  writeGroups: number;
  writePerGroup: number;
  /** The voting workshop: groups × people, each with this many dots. */
  voteGroups: number;
  votePerGroup: number;
  voteBudget: number;
  /** Between two keystrokes, and two dots, of one person (ms). */
  typeMs: [number, number];
  voteMs: [number, number];
  /** Time the server lives after every client is back, before the next kill (ms). */
  gapMs: [number, number];
  /** Share of kills that strike while clients are still reconnecting (0..1 s after the restart). */
  earlyKillRate: number;
  /** Longest wait for every client to be back after a restart (ms). */
  resyncTimeoutMs: number;
  /** How clients retry; the page's by default. */
  backoff?: Backoff;
  log?: (line: string) => void;
}

export interface Round {
  kill: number;
  early: boolean;
  /** How long the server had been up, and typing/voting going on, when it was killed. */
  upMs: number;
  /** From the kill to the restarted server listening. */
  downMs: number;
  startMs: number;
  /** Items (keystrokes) clients had seen from others at the kill, and how many the database lacked. */
  observedItems: number;
  lostItems: number;
  voteProblems: number;
  /** Participants back (synced and answered) after the restart, ms; null if killed before. */
  resyncMs: Distribution | null;
}

export interface CrashSummary {
  run: 'crash';
  at: string;
  options: Omit<CrashOptions, 'log'>;
  durationS: number;
  kills: number;
  earlyKills: number;
  edits: number;
  /** Items in the final documents (every keystroke that survived as an item). */
  finalItems: number;
  votes: { cast: number; ok: number; refused: number; unanswered: number };
  /** Items seen by another client and missing from the database, over every kill and the end. */
  lost: number;
  /** Documents whose replicas did not converge, or whose reloaded content differs. */
  diverged: number;
  mismatched: number;
  voteProblems: string[];
  resyncMs: Distribution;
  serverStartMs: Distribution;
  serverErrors: string[];
  rounds: Round[];
  ok: boolean;
}

export const CRASH_DEFAULTS: Omit<CrashOptions, 'kills'> = {
  writeGroups: 4,
  writePerGroup: 5,
  voteGroups: 3,
  votePerGroup: 5,
  voteBudget: 5,
  typeMs: [40, 250],
  voteMs: [100, 800],
  gapMs: [300, 4000],
  earlyKillRate: 0.2,
  // Generous: on a machine at load 20 the first kills of a run took up to 40 s to come back.
  resyncTimeoutMs: 180_000,
};

const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);

export async function runCrash(options: CrashOptions): Promise<CrashSummary> {
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-crash-'));
  const databaseFile = path.join(dataDir, 'atelier.sqlite');
  const spec = serverSpec(dataDir, await freePort());
  const t0 = Date.now();
  const errors: string[] = [];
  const rounds: Round[] = [];
  const allResync: number[] = [];
  const starts: number[] = [];
  const voteProblems: string[] = [];
  let lost = 0;
  let current: ChildServer | null = null;
  let workshops: Workshop[] = [];
  const activities: { stop(): Promise<void> }[] = [];

  try {
    const first = await start(spec);
    current = first.server;
    starts.push(first.startMs);
    const writing = await openWorkshop(current.url, {
      title: 'Crash: écriture',
      groups: options.writeGroups,
      perGroup: options.writePerGroup,
      mode: 'write',
      voteBudget: options.voteBudget,
      backoff: options.backoff,
    });
    workshops.push(writing);
    const voting = await openWorkshop(current.url, {
      title: 'Crash: vote',
      groups: options.voteGroups,
      perGroup: options.votePerGroup,
      mode: 'vote',
      voteBudget: options.voteBudget,
      backoff: options.backoff,
    });
    workshops.push(voting);
    activities.push(pace(writing.participants, (p) => typeOnce(p), ...options.typeMs));
    activities.push(pace(voting.participants, (p) => voteOnce(p), ...options.voteMs));
    const participants = workshops.flatMap((w) => w.participants);

    let upSince = Date.now();
    let early = false;
    for (let k = 1; k <= options.kills; k++) {
      // An early kill strikes while clients are still coming back from the previous one.
      const struckEarly = early;
      if (!early) await sleep(between(options.gapMs));
      const upMs = Date.now() - upSince;
      const killedAt = Date.now();
      errors.push(...errorLines(current));
      await kill(current);
      // Whatever a client got from the server arrived before its connection closed.
      await until(() => workshops.every(disconnected), 30_000, 'every client to see the crash');

      // With no server running: the database against what clients saw.
      const check = await checkAtCrash(databaseFile, workshops, `kill ${k}`);
      voteProblems.push(...check.voteProblems);
      lost += check.lost;

      const restarted = await start(spec);
      current = restarted.server;
      starts.push(restarted.startMs);
      upSince = restarted.listeningAt;
      early = Math.random() < options.earlyKillRate && k < options.kills;
      let resync: number[] | null = null;
      if (early) {
        await sleep(Math.random() * 1000);
      } else {
        await until(
          () => workshops.every((w) => resynced(w, restarted.listeningAt)),
          options.resyncTimeoutMs,
          `every client back after kill ${k}`,
        ).catch((error: unknown) => {
          const missing = workshops.flatMap((w) => notBack(w, restarted.listeningAt));
          throw new Error(
            `${(error as Error).message}; refusals ${JSON.stringify(refusals.take())}; not back:\n${missing.join('\n')}`,
          );
        });
        resync = workshops.flatMap((w) => resyncTimes(w, restarted.listeningAt));
        allResync.push(...resync);
        voteProblems.push(...checkToldOnReconnect(workshops, check.stored, `kill ${k}`));
      }
      const round: Round = {
        kill: k,
        early: struckEarly,
        upMs,
        downMs: restarted.listeningAt - killedAt,
        startMs: restarted.startMs,
        observedItems: check.observedItems,
        lostItems: check.lost,
        voteProblems: check.voteProblems.length,
        resyncMs: resync ? distribution(resync) : null,
      };
      rounds.push(round);
      log(
        `kill ${String(k).padStart(3)}: up ${(upMs / 1000).toFixed(1)} s, down ${round.downMs} ms, ` +
          `seen ${check.observedItems} items, lost ${check.lost}, vote problems ${check.voteProblems.length}, ` +
          (resync
            ? `back p50 ${round.resyncMs!.p50} ms max ${round.resyncMs!.max} ms`
            : 'next kill before everyone is back'),
      );
    }

    // The end of the day: people stop; replicas converge; a fresh server serves what they hold.
    for (const a of activities.splice(0)) await a.stop();
    const ended = workshops;
    workshops = [];
    const end = await checkAtEnd(spec, current, ended, options.resyncTimeoutMs);
    current = null;
    lost += end.lost;
    voteProblems.push(...end.voteProblems);
    errors.push(...end.serverErrors);
    const { diverged, mismatched, finalItems } = end;

    const sum = (f: (p: (typeof participants)[number]) => number) =>
      participants.reduce((s, p) => s + f(p), 0);
    const summary: CrashSummary = {
      run: 'crash',
      at: new Date(t0).toISOString(),
      options: { ...options, log: undefined, backoff: undefined } as Omit<CrashOptions, 'log'>,
      durationS: round((Date.now() - t0) / 1000),
      kills: options.kills,
      earlyKills: rounds.filter((r) => r.early).length,
      edits: sum((p) => p.edits),
      finalItems,
      votes: {
        cast: sum((p) => p.ledger.counts.cast),
        ok: sum((p) => p.ledger.counts.ok),
        refused: sum((p) => p.ledger.counts.refused),
        unanswered: sum((p) => p.ledger.counts.unknown),
      },
      lost,
      diverged,
      mismatched,
      voteProblems,
      resyncMs: distribution(allResync),
      serverStartMs: distribution(starts),
      serverErrors: errors.slice(0, 20),
      rounds,
      ok: lost === 0 && diverged === 0 && mismatched === 0 && voteProblems.length === 0,
    };
    delete (summary.options as { log?: unknown }).log;
    delete (summary.options as { backoff?: unknown }).backoff;
    (summary.options as { clients?: string }).clients = options.backoff
      ? 'short backoff'
      : "the page's backoff";
    return summary;
  } finally {
    for (const a of activities) await a.stop();
    for (const w of workshops) closeWorkshop(w);
    if (current) await kill(current);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
