// The two verifications of the long runs that kill the server. At a crash, with no server
// running: the database holds every item some client saw from another, and every acknowledged dot.
// At the end: every replica converged, and a fresh server on the same data serves exactly that.
import { groupDocName } from '../../shared/ids.js';
import type { ChildServer } from '../../tests/helpers/process.js';
import { errorLines, kill, start, type ServerSpec } from './server.js';
import { closeReplica, openReplica, openSocket, type Replica } from './clients.js';
import { closeWorkshop, replicasOf, resynced, until, type Workshop } from './sim.js';
import {
  content,
  deficit,
  docKey,
  dots,
  items,
  observed,
  readStored,
  vectorOf,
  type StoredState,
} from './verify.js';

export interface CrashCheck {
  /** Items clients had seen from other writers, and how many of them the database lacks. */
  observedItems: number;
  lost: number;
  voteProblems: string[];
  stored: StoredState;
}

/**
 * Call once every client has seen its connection close (what it got from the server arrived
 * before). Each voter's ledger then takes the stored dots as the truth.
 */
export async function checkAtCrash(
  databaseFile: string,
  workshops: Workshop[],
  label: string,
): Promise<CrashCheck> {
  const seen = observed(workshops.flatMap(replicasOf));
  const stored = await readStored(databaseFile, workshops);
  let observedItems = 0;
  let lost = 0;
  for (const [key, vector] of seen) {
    const doc = stored.docs.get(key);
    observedItems += items(vector);
    lost += deficit(vector, doc ? vectorOf(doc) : new Map());
  }
  const voteProblems: string[] = [];
  for (const w of workshops) {
    for (const p of w.participants) {
      const mine = stored.votes.get(p.id) ?? {};
      voteProblems.push(
        ...p.ledger.check(mine, w.voteBudget).map((x) => `${label}, ${p.id}: ${x}`),
      );
      p.ledger.rebase(mine);
    }
  }
  return { observedItems, lost, voteProblems, stored };
}

/** After the restart: what the server told each voter on reconnecting is what the database held. */
export function checkToldOnReconnect(
  workshops: Workshop[],
  stored: StoredState,
  label: string,
): string[] {
  const problems: string[] = [];
  for (const p of workshops.flatMap((w) => w.participants)) {
    const told = p.client.mineOnConnect;
    const held = stored.votes.get(p.id) ?? {};
    if (told && dots(told.votes) !== dots(held))
      problems.push(
        `${label}, ${p.id}: told ${dots(told.votes)} on reconnecting, stored ${dots(held)}`,
      );
  }
  return problems;
}

export interface FinalCheck {
  lost: number;
  /** Documents whose replicas did not converge, or whose reloaded content differs. */
  diverged: number;
  mismatched: number;
  finalItems: number;
  voteProblems: string[];
  serverErrors: string[];
}

/**
 * The end of the day, once people have stopped: waits for every replica to converge, closes
 * every client, SIGKILLs `current`, starts a fresh server on the same data and compares each
 * document and each voter's dots with what the clients held. Stops that server (SIGTERM).
 */
export async function checkAtEnd(
  spec: ServerSpec,
  current: ChildServer,
  workshops: Workshop[],
  timeoutMs: number,
): Promise<FinalCheck> {
  await until(
    () => workshops.every((w) => resynced(w, 0)),
    timeoutMs,
    'everyone connected at the end',
  );
  const replicas = workshops.flatMap(replicasOf);
  const byDoc = new Map<string, Replica[]>();
  for (const r of replicas) {
    const key = docKey(r.workshopId, r.docName);
    byDoc.set(key, [...(byDoc.get(key) ?? []), r]);
  }
  const converged = (list: Replica[]) =>
    list.every(
      (r) =>
        content(r.doc) === content(list[0]!.doc) &&
        deficit(vectorOf(list[0]!.doc), vectorOf(r.doc)) === 0 &&
        deficit(vectorOf(r.doc), vectorOf(list[0]!.doc)) === 0,
    );
  await until(() => [...byDoc.values()].every(converged), timeoutMs, 'replicas to converge').catch(
    () => undefined,
  );
  const diverged = [...byDoc.values()].filter((list) => !converged(list)).length;
  const finalSeen = observed(replicas, true);
  const finalContent = new Map([...byDoc].map(([key, list]) => [key, content(list[0]!.doc)]));

  for (const w of workshops) closeWorkshop(w);
  const serverErrors = errorLines(current);
  await kill(current);
  const fresh = (await start({ ...spec, port: 0 })).server;
  let lost = 0;
  let mismatched = 0;
  let finalItems = 0;
  const voteProblems: string[] = [];
  try {
    for (const w of workshops) {
      for (const g of w.groups) {
        const key = docKey(w.workshopId, groupDocName(g.id));
        const reader = openReplica(fresh.url, w.workshopId, groupDocName(g.id), w.facilitatorKey);
        await until(() => reader.provider.synced, 30_000, `fresh replica of ${key}`);
        const missing = deficit(finalSeen.get(key) ?? new Map(), vectorOf(reader.doc));
        lost += missing;
        finalItems += items(vectorOf(reader.doc));
        if (missing > 0 || content(reader.doc) !== finalContent.get(key)) mismatched++;
        closeReplica(reader);
      }
      for (const p of w.participants) {
        const socket = openSocket(fresh.url, p.token);
        await until(
          () => socket.mineOnConnect !== null,
          30_000,
          'votes:mine from the fresh server',
        );
        socket.socket.disconnect();
        const mine = socket.mineOnConnect!;
        const problems = p.ledger.check(mine.votes, w.voteBudget);
        if (
          problems.length === 0 &&
          p.ledger.uncertain === 0 &&
          dots(mine.votes) !== dots(p.ledger.confirmed)
        )
          problems.push(`stored ${dots(mine.votes)}, acknowledged ${dots(p.ledger.confirmed)}`);
        const total = Object.values(mine.votes).reduce((s, n) => s + n, 0);
        if (mine.remaining !== w.voteBudget - total)
          problems.push(`remaining ${mine.remaining} with ${total} dots`);
        voteProblems.push(...problems.map((x) => `end, ${p.id}: ${x}`));
      }
    }
  } finally {
    serverErrors.push(...errorLines(fresh));
    fresh.child.kill('SIGTERM');
    await fresh.exited;
  }
  return { lost, diverged, mismatched, finalItems, voteProblems, serverErrors };
}
