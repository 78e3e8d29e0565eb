// Who is online across processes: each process says when a participant's first socket opens on
// it or its last one closes (Redis pub/sub), and every HEARTBEAT_MS the whole list of those it
// holds. A process not heard of for PEER_TIMEOUT_MS (killed, cut off) is dropped with its list:
// its people show offline until their pages reconnect elsewhere.
import { z } from 'zod';
import type { Logger } from '../collab/room.js';
import type { PeerPresence } from '../realtime/presence.js';
import type { Bus } from './bus.js';

const CHANNEL = 'atelier:online';
/** Each process sends its whole list this often (it also repairs a message lost to a pause). */
const HEARTBEAT_MS = 5_000;
/** A process silent for three heartbeats is gone. */
const PEER_TIMEOUT_MS = 3 * HEARTBEAT_MS;

const id = z.string().min(1).max(64);
const message = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('changed'), w: id, p: id, online: z.boolean() }),
  /** The whole list, as [workshopId, participantId] pairs. */
  z.object({ kind: z.literal('all'), online: z.array(z.tuple([id, id])).max(100_000) }),
  /** A process just started: everyone sends their list now. */
  z.object({ kind: z.literal('hello') }),
]);
type Message = z.infer<typeof message>;

export interface OnlinePeers extends PeerPresence {
  /** Called with the people whose status as seen from here changed because of another process. */
  onChange(listener: (workshopId: string, participantIds: string[]) => void): void;
  start(): void;
  stop(): void;
}

export function createOnlinePeers(bus: Bus, log: Logger): OnlinePeers {
  /** Participants online on this process, with their workshop. */
  const local = new Map<string, string>();
  /** Per other process: when it was last heard of, and its participants online with their workshop. */
  const peers = new Map<string, { heardAt: number; online: Map<string, string> }>();
  let listener: (workshopId: string, participantIds: string[]) => void = () => undefined;
  let timer: NodeJS.Timeout | null = null;

  const send = (m: Message) =>
    bus.publish(CHANNEL, Buffer.from(JSON.stringify({ from: bus.processId, ...m })));
  const sendAll = () => send({ kind: 'all', online: [...local].map(([p, w]) => [w, p]) });
  const onlineElsewhere = (participantId: string) => {
    for (const peer of peers.values()) if (peer.online.has(participantId)) return true;
    return false;
  };

  /** Replaces what one process holds, and tells the listener of everyone whose status changed. */
  function replaced(from: string, after: Map<string, string> | null): void {
    const before = peers.get(from)?.online ?? new Map<string, string>();
    const touched = new Map([...before, ...(after ?? [])]);
    const status = (p: string) => onlineElsewhere(p) || local.has(p);
    const was = new Map([...touched.keys()].map((p) => [p, status(p)]));
    if (after) peers.set(from, { heardAt: Date.now(), online: after });
    else peers.delete(from);
    const byWorkshop = new Map<string, string[]>();
    for (const [p, w] of touched) {
      if (was.get(p) === status(p)) continue;
      const list = byWorkshop.get(w) ?? [];
      list.push(p);
      byWorkshop.set(w, list);
    }
    for (const [w, ps] of byWorkshop) listener(w, ps);
  }

  function receive(raw: Buffer): void {
    let parsed: (Message & { from?: unknown }) | null = null;
    try {
      const json = JSON.parse(raw.toString()) as { from?: unknown };
      const result = message.safeParse(json);
      if (result.success && typeof json.from === 'string')
        parsed = { ...result.data, from: json.from };
    } catch {
      // dropped below
    }
    if (!parsed || typeof parsed.from !== 'string') {
      log.error('an online message was not understood');
      return;
    }
    const from = parsed.from;
    if (from === bus.processId) return;
    switch (parsed.kind) {
      case 'hello':
        sendAll();
        break;
      case 'all':
        replaced(from, new Map(parsed.online.map(([w, p]) => [p, w])));
        break;
      case 'changed': {
        const next = new Map(peers.get(from)?.online ?? []);
        if (parsed.online) next.set(parsed.p, parsed.w);
        else next.delete(parsed.p);
        replaced(from, next);
        break;
      }
    }
  }

  return {
    isOnline: onlineElsewhere,
    changed(workshopId, participantId, online) {
      if (online) local.set(participantId, workshopId);
      else local.delete(participantId);
      send({ kind: 'changed', w: workshopId, p: participantId, online });
    },
    onChange(next) {
      listener = next;
    },
    start() {
      bus.subscribe(CHANNEL, receive);
      send({ kind: 'hello' });
      timer ??= setInterval(() => {
        sendAll();
        const now = Date.now();
        for (const [from, peer] of peers)
          if (now - peer.heardAt > PEER_TIMEOUT_MS) replaced(from, null);
      }, HEARTBEAT_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      bus.unsubscribe(CHANNEL, receive);
    },
  };
}
