// A load-generator process: hosts a share of the simulated workshop's clients (stock
// WebsocketProvider or HocuspocusProvider, and socket.io-client for Atelier), types into Y.Text at
// the set rate, and records when each remote edit arrives, on this machine's shared clock.
//
// Edit-to-peer latency without touching the text: every edit is one typed character, i.e. one
// Yjs item identified by (clientID, clock). The writer logs (clientID, clock, its clock time); a
// receiver logs (clientID, clock, arrival time) from each remote transaction's state vectors.
// The coordinator joins the two logs afterwards, so the edits are exactly what a person types.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addItem, addRecommendation, itemsMap, recommendationsMap } from '../shared/doc.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../shared/protocol.js';
import { contentHash } from './lib/canonical.js';
import { Histogram } from './lib/histogram.js';
import { announce, serve } from './lib/ipc.js';
import { LOOP_RESOLUTION_MS, loopMs } from './lib/loop.js';
import { quietBetween } from './lib/procstat.js';
import type {
  BarrierPayload,
  ClientSpec,
  DrainPayload,
  ScorePayload,
  ScoreResult,
  SeedPayload,
  SendLog,
  SetupPayload,
  SetupResult,
  TypePayload,
  TypeResult,
  VotePayload,
  VoteResult,
} from './lib/protocol.js';

// @hocuspocus/provider expects a global WebSocket (Node 22 has one; Node 20 does not).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/** Typed characters, French prose: what people type in the fixture's recommendations. */
const PROSE =
  "Mutualiser les diagnostics existants, associer les habitants et les acteurs économiques, puis prioriser ensemble les actions d'adaptation. ";

/** Connections opened at once; more would only queue in the server's accept backlog. */
const CONNECT_CONCURRENCY = 64;

const now = () => performance.timeOrigin + performance.now();

interface Replica {
  doc: Y.Doc;
  docIndex: number;
  synced: () => boolean;
  destroy: () => void;
}

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface SimClient {
  spec: ClientSpec;
  replicas: Replica[];
  socket: BenchSocket | null;
  sharedSocket: HocuspocusProviderWebsocket | null;
  /**
   * Who this client sees online, as the participant page does: the first workshop:state, then
   * the presence:delta upserts merged into it. Flags are indexed by `participantSlot`.
   */
  presence: Presence;
}

/**
 * Interned participant ids, shared by this worker's clients: a client's presence is then a byte
 * per participant instead of a set of strings (1000 clients × 1000 ids would be 10⁶ strings).
 */
const participantSlots = new Map<string, number>();
function participantSlot(participantId: string): number {
  let slot = participantSlots.get(participantId);
  if (slot === undefined) {
    slot = participantSlots.size;
    participantSlots.set(participantId, slot);
  }
  return slot;
}

/** One client's view of who is online, and how many: what `applyPresenceDelta` keeps in the page. */
class Presence {
  flags = new Uint8Array(64);
  online = 0;
  set(participantId: string, online: boolean): void {
    const slot = participantSlot(participantId);
    if (slot >= this.flags.length) {
      const grown = new Uint8Array(Math.max(slot + 1, this.flags.length * 2));
      grown.set(this.flags);
      this.flags = grown;
    }
    const was = this.flags[slot] === 1;
    if (was === online) return;
    this.flags[slot] = online ? 1 : 0;
    this.online += online ? 1 : -1;
  }
  reset(): void {
    this.flags.fill(0);
    this.online = 0;
  }
}

/** Growable columns for arrival records, so 10⁶ arrivals cost 16 MB and no objects. */
class Arrivals {
  client = new Uint32Array(1 << 16);
  clock = new Uint32Array(1 << 16);
  at = new Float64Array(1 << 16);
  receiver = new Uint32Array(1 << 16);
  doc = new Uint32Array(1 << 16);
  n = 0;
  push(receiver: number, doc: number, client: number, clock: number, at: number): void {
    if (this.n === this.client.length) {
      const grow = <T extends Uint32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.client = grow(this.client);
      this.clock = grow(this.clock);
      this.at = grow(this.at);
      this.receiver = grow(this.receiver);
      this.doc = grow(this.doc);
    }
    const i = this.n++;
    this.receiver[i] = receiver;
    this.doc[i] = doc;
    this.client[i] = client;
    this.clock[i] = clock;
    this.at[i] = at;
  }
}

let setup: SetupPayload | null = null;
const clients: SimClient[] = [];
let recording = false;
let arrivals = new Arrivals();
let sends = {
  doc: [] as number[],
  client: [] as number[],
  clock: [] as number[],
  at: [] as number[],
};

function openReplica(s: SetupPayload, client: SimClient, docIndex: number): Replica {
  const docName = s.docNames[docIndex]!;
  const doc = new Y.Doc();
  const spec = client.spec;
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (!recording || tr.local) return;
    const at = now();
    tr.afterState.forEach((after, writer) => {
      const before = tr.beforeState.get(writer) ?? 0;
      for (let clock = before; clock < after; clock++)
        arrivals.push(spec.id, docIndex, writer, clock, at);
    });
  });
  const wsBase = s.baseUrl.replace(/^http/, 'ws');
  if (s.kind === 'hocuspocus') {
    let synced = false;
    const provider = new HocuspocusProvider({
      ...(client.sharedSocket ? { websocketProvider: client.sharedSocket } : { url: wsBase }),
      name: `${s.workshopId}/${docName}`,
      document: doc,
      token: spec.token,
      onSynced: () => {
        synced = true;
      },
    });
    if (client.sharedSocket) provider.attach();
    return {
      doc,
      docIndex,
      synced: () => synced,
      destroy: () => {
        provider.destroy();
        doc.destroy();
      },
    };
  }
  const provider = new WebsocketProvider(
    s.kind === 'atelier' ? `${wsBase}/yjs/${s.workshopId}` : `${wsBase}/${s.workshopId}`,
    docName,
    doc,
    {
      params: spec.token && s.kind === 'atelier' ? { token: spec.token } : {},
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 2000,
    },
  );
  return {
    doc,
    docIndex,
    synced: () => provider.synced,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

async function waitUntil(
  check: () => boolean,
  deadlineMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function connectSocket(baseUrl: string, token: string): BenchSocket {
  return io(baseUrl, {
    path: '/socket.io',
    // Like the participant page: presence changes arrive as presence:delta upserts.
    auth: { token, presence: 'delta' },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** The recommendations (or items) of a replica in id order: every replica agrees on it. */
function entriesOf(doc: Y.Doc): Y.Map<unknown>[] {
  const map = recommendationsMap(doc);
  return [...map.keys()]
    .sort()
    .map((id) => map.get(id)!)
    .filter((e) => e instanceof Y.Map);
}

/** workshop:state and presence:delta messages received: both are what presence costs a client. */
let stateMessages = 0;
let socketBytes = 0;

const eld = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
eld.enable();

serve({
  async setup(payload: SetupPayload): Promise<SetupResult> {
    setup = payload;
    const deadline = Date.now() + payload.connectDeadlineMs;
    const t0 = performance.now();
    for (const spec of payload.clients) {
      const client: SimClient = {
        spec,
        replicas: [],
        socket: null,
        sharedSocket: null,
        presence: new Presence(),
      };
      // Hocuspocus multiplexes several documents over one socket: the facilitator uses that.
      if (payload.kind === 'hocuspocus' && spec.docs.length > 1) {
        client.sharedSocket = new HocuspocusProviderWebsocket({
          url: payload.baseUrl.replace(/^http/, 'ws'),
        });
      }
      clients.push(client);
    }
    // Open documents with bounded concurrency.
    const queue = clients.flatMap((c) => c.spec.docs.map((d) => ({ c, d })));
    const opening: Replica[] = [];
    for (const { c, d } of queue) {
      const replica = openReplica(payload, c, d);
      c.replicas.push(replica);
      opening.push(replica);
      if (opening.filter((r) => !r.synced()).length >= CONNECT_CONCURRENCY) {
        await waitUntil(
          () => opening.filter((r) => !r.synced()).length < CONNECT_CONCURRENCY,
          Math.max(0, deadline - Date.now()),
          () => `${opening.filter((r) => r.synced()).length}/${queue.length} documents synced`,
        );
      }
    }
    await waitUntil(
      () => opening.every((r) => r.synced()),
      Math.max(0, deadline - Date.now()),
      () => `${opening.filter((r) => r.synced()).length}/${queue.length} documents synced`,
    );
    const yjsConnectMs = performance.now() - t0;

    const t1 = performance.now();
    const withSocket = clients.filter((c) => c.spec.socket && c.spec.token);
    let connected = 0;
    let failed = 0;
    for (let i = 0; i < withSocket.length; i += CONNECT_CONCURRENCY) {
      await Promise.all(
        withSocket.slice(i, i + CONNECT_CONCURRENCY).map(
          (c) =>
            new Promise<void>((resolve) => {
              const socket = connectSocket(payload.baseUrl, c.spec.token!);
              c.socket = socket;
              // Raw Socket.IO packets as they came off the wire, before JSON parsing.
              socket.io.on('open', () => {
                socket.io.engine.on('data', (data: unknown) => {
                  socketBytes +=
                    typeof data === 'string' ? data.length : (data as ArrayBuffer).byteLength;
                });
              });
              socket.on('workshop:state', (state) => {
                stateMessages++;
                c.presence.reset();
                for (const p of state.participants) c.presence.set(p.participantId, p.online);
              });
              socket.on('presence:delta', (delta) => {
                stateMessages++;
                for (const p of delta.participants) c.presence.set(p.participantId, p.online);
              });
              socket.once('workshop:whoami', () => {
                connected++;
                resolve();
              });
              socket.once('connect_error', () => {
                failed++;
                resolve();
              });
            }),
        ),
      );
      if (Date.now() > deadline)
        throw new Error(`timed out: ${connected}/${withSocket.length} sockets connected`);
    }
    if (failed > 0) throw new Error(`${failed} sockets were refused`);
    const socketConnectMs = performance.now() - t1;
    // Each connection changes everyone's presence: measure only once that storm is over.
    await waitUntil(
      () => withSocket.every((c) => c.presence.online >= payload.participants),
      Math.max(0, deadline - Date.now()),
      () =>
        `${withSocket.filter((c) => c.presence.online >= payload.participants).length}/${withSocket.length} sockets saw everyone online`,
    );
    return {
      yjsConnectMs,
      socketConnectMs,
      stateMessages,
      socketBytes,
      presenceSettledMs: performance.now() - t1,
    };
  },

  async seed({ seeds }: SeedPayload) {
    for (const seed of seeds) {
      const client = clients.find((c) => c.spec.id === seed.clientId);
      const replica = client?.replicas.find((r) => r.docIndex === seed.doc);
      if (!client || !replica) throw new Error(`no replica ${seed.clientId}/${seed.doc} here`);
      const authorId = `client-${seed.clientId}`;
      for (const rec of seed.recommendations ?? []) {
        addRecommendation(replica.doc, { ...rec, authorId, createdAt: Date.now() });
      }
      for (const item of seed.items ?? []) addItem(replica.doc, { ...item, createdAt: Date.now() });
    }
    return null;
  },

  async barrier({ expected, deadlineMs }: BarrierPayload) {
    const all = clients.flatMap((c) => c.replicas);
    const count = (r: Replica) => recommendationsMap(r.doc).size + itemsMap(r.doc).size;
    await waitUntil(
      () => all.every((r) => count(r) >= (expected[r.docIndex] ?? 0)),
      deadlineMs,
      () =>
        `${all.filter((r) => count(r) >= (expected[r.docIndex] ?? 0)).length}/${all.length} replicas seeded`,
    );
    return null;
  },

  async type({ rate, startAt, durationMs }: TypePayload): Promise<TypeResult> {
    arrivals = new Arrivals();
    sends = { doc: [], client: [], clock: [], at: [] };
    const writers = clients.filter((c) => c.spec.writeDoc !== undefined);
    const periodMs = 1000 / rate;
    const endAt = startAt + durationMs;
    let edits = 0;
    const timers = new Set<NodeJS.Timeout>();
    recording = true;
    eld.reset();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await new Promise<void>((resolveAll) => {
      let running = writers.length;
      if (running === 0) resolveAll();
      for (const w of writers) {
        const replica = w.replicas.find((r) => r.docIndex === w.spec.writeDoc)!;
        const entries = entriesOf(replica.doc);
        const entry = entries[(w.spec.recIndex ?? 0) % entries.length];
        const text = entry?.get('body');
        if (!(text instanceof Y.Text))
          throw new Error(`client ${w.spec.id} has nothing to type into`);
        let cursor = Math.floor(Math.random() * (text.length + 1));
        let typed = 0;
        const edit = () => {
          const position = Math.min(cursor, text.length);
          const clock = Y.getState(replica.doc.store, replica.doc.clientID);
          const at = now();
          text.insert(position, PROSE[typed % PROSE.length]!);
          cursor = position + 1;
          typed++;
          edits++;
          sends.doc.push(replica.docIndex);
          sends.client.push(replica.doc.clientID);
          sends.clock.push(clock);
          sends.at.push(at);
        };
        // Keystrokes arrive irregularly: each gap is uniform in [0.5, 1.5] × the period.
        const schedule = (nextAt: number) => {
          if (nextAt >= endAt) {
            if (--running === 0) resolveAll();
            return;
          }
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              edit();
              schedule(nextAt + periodMs * (0.5 + Math.random()));
            },
            Math.max(0, nextAt - Date.now()),
          );
          timers.add(timer);
        };
        schedule(startAt + Math.random() * periodMs);
      }
    });
    const cpu = process.cpuUsage(cpu0);
    const written: TypeResult['written'] = [];
    for (const c of clients) {
      for (const r of c.replicas) {
        const clock = Y.getState(r.doc.store, r.doc.clientID);
        if (clock > 0) written.push({ doc: r.docIndex, client: r.doc.clientID, clock });
      }
    }
    const log: SendLog = {
      doc: Uint32Array.from(sends.doc),
      client: Uint32Array.from(sends.client),
      clock: Uint32Array.from(sends.clock),
      at: Float64Array.from(sends.at),
    };
    return {
      edits,
      sends: log,
      written,
      loop: {
        p50: loopMs(eld.percentile(50)),
        p99: loopMs(eld.percentile(99)),
        max: loopMs(eld.max),
      },
      cpuCores: (cpu.user + cpu.system) / 1000 / (performance.now() - wall0),
    };
  },

  async drain({ target, deadlineMs }: DrainPayload) {
    const all = clients.flatMap((c) => c.replicas);
    const caughtUp = (r: Replica) =>
      Object.entries(target[r.docIndex] ?? {}).every(
        ([client, clock]) => Y.getState(r.doc.store, Number(client)) >= clock,
      );
    try {
      await waitUntil(
        () => all.every(caughtUp),
        deadlineMs,
        () => `${all.filter(caughtUp).length}/${all.length} replicas caught up`,
      );
    } finally {
      recording = false;
    }
    return null;
  },

  /** Joins the merged send log with this worker's arrivals, and hashes every replica. */
  async score({ log, quiet: slots, quietLimitCores }: ScorePayload): Promise<ScoreResult> {
    const key = (client: number, clock: number) => client * 2 ** 21 + clock;
    const sentAt = new Map<number, number>();
    const expectedPerDoc = new Map<number, Map<number, number>>(); // doc → writer client → edits
    for (let i = 0; i < log.at.length; i++) {
      sentAt.set(key(log.client[i]!, log.clock[i]!), log.at[i]!);
      const byWriter = expectedPerDoc.get(log.doc[i]!) ?? new Map<number, number>();
      byWriter.set(log.client[i]!, (byWriter.get(log.client[i]!) ?? 0) + 1);
      expectedPerDoc.set(log.doc[i]!, byWriter);
    }
    const participants = new Histogram();
    const facilitator = new Histogram();
    const quiet = new Histogram();
    const roleOf = new Map(clients.map((c) => [c.spec.id, c.spec.role]));
    let delivered = 0;
    for (let i = 0; i < arrivals.n; i++) {
      const sent = sentAt.get(key(arrivals.client[i]!, arrivals.clock[i]!));
      if (sent === undefined) continue;
      delivered++;
      const latency = arrivals.at[i]! - sent;
      if (roleOf.get(arrivals.receiver[i]!) === 'facilitator') facilitator.record(latency);
      else participants.record(latency);
      if (slots && quietBetween(slots, sent, arrivals.at[i]!, quietLimitCores))
        quiet.record(latency);
    }
    // Every replica must receive every edit made by the other replicas of its document.
    let expected = 0;
    const hashes: Record<number, Set<string>> = {};
    for (const c of clients) {
      for (const r of c.replicas) {
        const byWriter = expectedPerDoc.get(r.docIndex);
        if (byWriter)
          for (const [writer, n] of byWriter) if (writer !== r.doc.clientID) expected += n;
        (hashes[r.docIndex] ??= new Set()).add(contentHash(r.doc));
      }
    }
    return {
      participants: participants.toJSON(),
      facilitator: facilitator.toJSON(),
      quiet: quiet.toJSON(),
      missing: expected - delivered,
      delivered,
      hashes: Object.fromEntries(Object.entries(hashes).map(([d, set]) => [d, [...set]])),
    };
  },

  /** The server's copy: a late joiner opens every document afresh and hashes what it gets. */
  async verify({ token, deadlineMs }: { token: string | null; deadlineMs: number }) {
    if (!setup) throw new Error('setup first');
    const s = setup;
    const spec: ClientSpec = { id: -1, role: 'facilitator', token, docs: [], socket: false };
    const late: SimClient = {
      spec,
      replicas: [],
      socket: null,
      sharedSocket: null,
      presence: new Presence(),
    };
    try {
      late.replicas = s.docNames.map((_, d) => openReplica(s, late, d));
      await waitUntil(
        () => late.replicas.every((r) => r.synced()),
        deadlineMs,
        () => 'late joiner synced',
      );
      return Object.fromEntries(late.replicas.map((r) => [r.docIndex, contentHash(r.doc)]));
    } finally {
      for (const r of late.replicas) r.destroy();
    }
  },

  async phase({ phase }: { phase: 'write' | 'vote' }) {
    const facilitator = clients.find((c) => c.spec.role === 'facilitator' && c.socket);
    if (!facilitator?.socket) throw new Error('no facilitator socket here');
    const answer = await new Promise<Ack<unknown>>((resolve) =>
      facilitator.socket!.emit('phase:set', { phase }, resolve),
    );
    if (!answer.ok) throw new Error(`phase:set refused: ${answer.error.code}`);
    return null;
  },

  /** A burst of dot votes: every participant spends its whole budget. */
  async vote({
    targets,
    votesEach,
    startAt,
    spreadMs,
    gapMs,
    deadlineMs,
  }: VotePayload): Promise<VoteResult> {
    const acks = new Histogram();
    const sentTimes: number[] = [];
    const ackTimes: number[] = [];
    const refused: Record<string, number> = {};
    let ok = 0;
    let pending = 0;
    const voters = clients.filter(
      (c) => c.spec.role === 'participant' && c.socket && c.spec.groupId,
    );
    const timers: NodeJS.Timeout[] = [];
    let total = 0;
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(
        resolve,
        Math.max(0, startAt - Date.now()) + spreadMs + gapMs * votesEach + deadlineMs,
      );
      let scheduled = 0;
      total = voters.reduce(
        (n, v) => n + ((targets[v.spec.groupId!]?.length ?? 0) > 0 ? votesEach : 0),
        0,
      );
      const done = () => {
        if (--pending === 0 && scheduled === total) {
          clearTimeout(deadline);
          resolve();
        }
      };
      const cast = (voter: SimClient, targetId: string) => {
        const sentAt = now();
        pending++;
        scheduled++;
        voter.socket!.emit('vote:cast', { targetId, delta: 1 }, (answer) => {
          const ackedAt = now();
          acks.record(ackedAt - sentAt);
          sentTimes.push(sentAt);
          ackTimes.push(ackedAt);
          if (answer.ok) ok++;
          else refused[answer.error.code] = (refused[answer.error.code] ?? 0) + 1;
          done();
        });
      };
      if (total === 0) resolve();
      for (const voter of voters) {
        const choices = targets[voter.spec.groupId!] ?? [];
        if (choices.length === 0) continue;
        const begin = startAt + Math.random() * spreadMs;
        for (let v = 0; v < votesEach; v++) {
          // Dots stack: a voter puts several on its favourites, spread over its group's cards.
          const targetId = choices[(voter.spec.id + v * 3) % choices.length]!;
          timers.push(
            setTimeout(() => cast(voter, targetId), Math.max(0, begin + v * gapMs - Date.now())),
          );
        }
      }
    });
    for (const t of timers) clearTimeout(t);
    // Unanswered by the deadline, or never sent because the deadline came first.
    return {
      acks: acks.toJSON(),
      sentAt: Float64Array.from(sentTimes),
      ackedAt: Float64Array.from(ackTimes),
      ok,
      refused,
      lost: total - acks.n,
    };
  },

  async close() {
    for (const c of clients.splice(0)) {
      c.socket?.disconnect();
      for (const r of c.replicas) r.destroy();
      c.sharedSocket?.destroy();
    }
    return null;
  },

  async stop() {
    setImmediate(() => process.exit(0));
    return null;
  },
});

announce({ pid: process.pid });
