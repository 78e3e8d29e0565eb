// A simulated workshop for the long runs: participants in groups, each with a stock
// WebsocketProvider on their group's document and a socket.io-client socket, typing into cards
// and casting dots; the facilitator's console follows every group's document. Nothing here knows
// about crashes: reconnection is the clients' own, as in the browser (clients.ts).
import {
  addRecommendation,
  fieldText,
  readRecommendations,
  recommendationsMap,
} from '../../shared/doc.js';
import { groupDocName, recommendationTargetId } from '../../shared/ids.js';
import {
  ask,
  openReplica,
  openSocket,
  PAGE_BACKOFF,
  closeReplica,
  type Backoff,
  type Replica,
  type SocketClient,
} from './clients.js';
import { createWorkshop, joinWorkshop } from '../../tests/helpers/api.js';
import { VoteLedger } from './ledger.js';

/** What people type: French prose, one character per keystroke. */
const PROSE =
  "Mutualiser les diagnostics existants, associer les habitants et les acteurs économiques, puis prioriser ensemble les actions d'adaptation. ";
/** A card's field stops growing here (backspaces then), as people stop writing at some point. */
const FIELD_MAX_CHARS = 280;

/**
 * An HTTP call again when the connection closed under it: undici reuses an idle keep-alive
 * connection that the server is closing at the same moment, which a machine busy enough to delay
 * timers by a second makes common. A join retried this way at worst adds a participant nobody uses.
 */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      const closed = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
      if (!closed || attempt >= 3) throw error;
    }
  }
}

export type Mode = 'write' | 'vote';

export interface Participant {
  id: string;
  token: string;
  groupId: string;
  replica: Replica;
  client: SocketClient;
  ledger: VoteLedger;
  /** Keystrokes typed (one transaction each), offline ones included. */
  edits: number;
  cards: number;
}

export interface Workshop {
  workshopId: string;
  code: string;
  facilitatorKey: string;
  mode: Mode;
  voteBudget: number;
  groups: { id: string; name: string }[];
  participants: Participant[];
  /** The console's replicas: one per group document. */
  observers: Replica[];
  facilitator: SocketClient;
}

/**
 * Creates a workshop over HTTP, joins `perGroup` participants to each group and connects
 * everyone. In mode 'vote' each participant first writes one card, then the phase moves to vote.
 */
export async function openWorkshop(
  url: string,
  options: {
    title: string;
    groups: number;
    perGroup: number;
    mode: Mode;
    voteBudget: number;
    backoff?: Backoff;
  },
): Promise<Workshop> {
  const backoff = options.backoff ?? PAGE_BACKOFF;
  const created = await retried(() =>
    createWorkshop(url, {
      title: options.title,
      groups: Array.from(
        { length: options.groups },
        (_, i) => `Groupe ${String.fromCharCode(65 + i)}`,
      ),
      voteBudget: options.voteBudget,
    }),
  );
  const facilitator = openSocket(url, created.facilitatorKey, backoff);
  await until(() => facilitator.stateAt > 0, 30_000, 'facilitator socket');
  const write = await ask(facilitator.socket, 'phase:set', { phase: 'write' });
  if (!write?.ok) throw new Error(`phase write: ${JSON.stringify(write)}`);

  const participants: Participant[] = [];
  for (const group of created.groups) {
    for (let i = 0; i < options.perGroup; i++) {
      const joined = await retried(() =>
        joinWorkshop(url, created.code, {
          name: `${group.name} ${i + 1}`,
          groupId: group.id,
        }),
      );
      participants.push({
        id: joined.participantId,
        token: joined.token,
        groupId: joined.groupId,
        replica: openReplica(
          url,
          created.workshopId,
          groupDocName(joined.groupId),
          joined.token,
          backoff,
        ),
        client: openSocket(url, joined.token, backoff),
        ledger: new VoteLedger(),
        edits: 0,
        cards: 0,
      });
    }
  }
  const observers = created.groups.map((g) =>
    openReplica(url, created.workshopId, groupDocName(g.id), created.facilitatorKey, backoff),
  );
  const workshop: Workshop = {
    workshopId: created.workshopId,
    code: created.code,
    facilitatorKey: created.facilitatorKey,
    mode: options.mode,
    voteBudget: options.voteBudget,
    groups: created.groups,
    participants,
    observers,
    facilitator,
  };
  await until(() => resynced(workshop, 0), 60_000, `workshop ${options.title} connected`);

  if (options.mode === 'vote') {
    for (const p of participants) {
      addCard(p, `Carte de ${p.id.slice(0, 4)}`);
    }
    // Every card is on the server (the console sees them all) before writing closes.
    await until(
      () =>
        created.groups.every((g, i) => {
          const members = participants.filter((p) => p.groupId === g.id).length;
          return recommendationsMap(observers[i]!.doc).size === members;
        }),
      60_000,
      'cards written before the vote',
    );
    const vote = await ask(facilitator.socket, 'phase:set', { phase: 'vote' });
    if (!vote?.ok) throw new Error(`phase vote: ${JSON.stringify(vote)}`);
  }
  return workshop;
}

export function replicasOf(w: Workshop): Replica[] {
  return [...w.participants.map((p) => p.replica), ...w.observers];
}

/** Whether every client of the workshop is connected and synced again since `since` (epoch ms). */
export function resynced(w: Workshop, since: number): boolean {
  return (
    replicasOf(w).every((r) => r.provider.synced && r.syncedAt > 0 && r.syncedAt >= since) &&
    w.facilitator.socket.connected &&
    w.facilitator.stateAt > 0 &&
    w.facilitator.stateAt >= since &&
    w.participants.every(
      (p) => p.client.socket.connected && p.client.mineAt > 0 && p.client.mineAt >= since,
    )
  );
}

/** When each participant was whole again after `since`: replica synced and socket answered. */
export function resyncTimes(w: Workshop, since: number): number[] {
  return w.participants
    .filter(
      (p) => p.replica.provider.synced && p.replica.syncedAt >= since && p.client.mineAt >= since,
    )
    .map((p) => Math.max(p.replica.syncedAt, p.client.mineAt) - since);
}

/** For a run that gives up waiting: who is not back since `since`, and in what state. */
export function notBack(w: Workshop, since: number): string[] {
  const out: string[] = [];
  const age = (at: number) => (at === 0 ? 'never' : `${at - since} ms`);
  for (const r of replicasOf(w)) {
    if (r.provider.synced && r.syncedAt >= since) continue;
    out.push(
      `${r.docName} replica: ws ${r.provider.wsconnected ? 'open' : r.provider.wsconnecting ? 'connecting' : 'closed'}, ` +
        `synced ${r.provider.synced} (last ${age(r.syncedAt)})`,
    );
  }
  const sockets = [
    {
      who: 'facilitator',
      c: w.facilitator,
      ok: w.facilitator.stateAt >= since && w.facilitator.stateAt > 0,
    },
    ...w.participants.map((p) => ({
      who: p.id,
      c: p.client,
      ok: p.client.mineAt >= since && p.client.mineAt > 0,
    })),
  ];
  for (const { who, c, ok } of sockets) {
    if (ok && c.socket.connected) continue;
    out.push(
      `${who} socket: connected ${c.socket.connected}, active ${c.socket.active}, ` +
        `state ${age(c.stateAt)}, votes:mine ${age(c.mineAt)}`,
    );
  }
  return out;
}

export function disconnected(w: Workshop): boolean {
  return (
    replicasOf(w).every((r) => !r.provider.wsconnected) &&
    !w.facilitator.socket.connected &&
    w.participants.every((p) => !p.client.socket.connected)
  );
}

export function closeWorkshop(w: Workshop): void {
  for (const r of replicasOf(w)) closeReplica(r);
  for (const p of w.participants) p.client.socket.disconnect();
  w.facilitator.socket.disconnect();
}

function addCard(p: Participant, title: string): void {
  p.cards++;
  addRecommendation(p.replica.doc, {
    id: `${p.id.slice(0, 8)}-${p.cards}`,
    title,
    body: '',
    authorId: p.id,
    createdAt: Date.now(),
  });
}

/**
 * One keystroke in the participant's group document: a new card now and then, otherwise a
 * character inserted (or, past FIELD_MAX_CHARS or one time in ten, deleted) at a random place of a
 * random card's title or body, so people in a group co-write the same texts.
 */
export function typeOnce(p: Participant, random: () => number = Math.random): void {
  const doc = p.replica.doc;
  const cards = [...recommendationsMap(doc).values()];
  p.edits++;
  if (cards.length === 0 || (random() < 0.02 && p.cards < 6)) {
    addCard(p, '');
    return;
  }
  const entry = cards[Math.floor(random() * cards.length)]!;
  const text = fieldText(entry, random() < 0.3 ? 'title' : 'body');
  if (!text) return;
  if (text.length > 0 && (text.length >= FIELD_MAX_CHARS || random() < 0.1)) {
    text.delete(Math.floor(random() * text.length), 1);
  } else {
    const char = PROSE[(p.edits + text.length) % PROSE.length]!;
    // Mostly at the end, as people type; sometimes in the middle, as people correct.
    const at = random() < 0.7 ? text.length : Math.floor(random() * (text.length + 1));
    text.insert(at, char);
  }
}

/**
 * One dot: +1 on a card of the participant's group, or −1 on one they hold (one time in three),
 * only while connected and after the server told them their dots since the last connect.
 */
export async function voteOnce(p: Participant, random: () => number = Math.random): Promise<void> {
  if (!p.client.socket.connected || p.client.mineAt === 0) return;
  const held = Object.entries(p.ledger.confirmed).filter(([, n]) => n > 0);
  const withdraw = held.length > 0 && random() < 1 / 3;
  let targetId: string;
  if (withdraw) {
    targetId = held[Math.floor(random() * held.length)]![0];
  } else {
    const cards = readRecommendations(p.replica.doc);
    if (cards.length === 0) return;
    targetId = recommendationTargetId(p.groupId, cards[Math.floor(random() * cards.length)]!.id);
  }
  const delta = withdraw ? -1 : 1;
  const pending = p.ledger.send(targetId, delta);
  const answer = await ask(p.client.socket, 'vote:cast', { targetId, delta });
  p.ledger.settle(pending, answer === null ? 'unknown' : answer.ok ? 'ok' : 'refused');
}

/** Runs `act` for every participant at random intervals in [minMs, maxMs] until stopped. */
export function pace(
  participants: Participant[],
  act: (p: Participant) => void | Promise<void>,
  minMs: number,
  maxMs: number,
): { stop(): Promise<void> } {
  let running = true;
  const loops = participants.map(async (p) => {
    await sleep(Math.random() * maxMs);
    while (running) {
      await act(p);
      await sleep(minMs + Math.random() * (maxMs - minMs));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 20 ms until true, or throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
