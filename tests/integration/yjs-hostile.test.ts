// The room layer against bytes an attacker in the room would send with a valid token: each case
// checks what honest clients keep (the document whole and writable, stored, syncing) while the
// hostile connection alone is closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.js';
import { addRecommendation, readRecommendations, recommendationsMap } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { LIMITS } from '../../shared/limits.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, handledBy, rawYjsSocket, synced, type YClient } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

const clients: YClient[] = [];
function open(workshopId: string, docName: string, token: string): YClient {
  const client = connectDoc(srv.url, workshopId, docName, token);
  clients.push(client);
  return client;
}
function closeAll(): void {
  for (const client of clients.splice(0)) client.destroy();
}

async function room() {
  const w = await createWorkshop(srv.url, { title: 'Hostile', groups: ['A', 'B'] });
  const groupA = w.groups[0]!.id;
  const docA = groupDocName(groupA);
  const member = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: groupA });
  const attacker = await joinWorkshop(srv.url, w.code, { name: 'Eve', groupId: groupA });
  const outsider = await joinWorkshop(srv.url, w.code, { name: 'Otto', groupId: w.groups[1]!.id });
  const honest = open(w.workshopId, docA, member.token);
  const watcher = open(w.workshopId, docA, w.facilitatorKey);
  await Promise.all([synced(honest), synced(watcher)]);
  return { w, docA, member, attacker, outsider, honest, watcher };
}

const titles = (client: YClient) => readRecommendations(client.doc).map((r) => r.title);

function card(client: YClient, id: string, title: string): void {
  addRecommendation(client.doc, { id, title, body: '', authorId: 'a', createdAt: 1 });
}

/** A y-websocket message: the type, the sync type when it is one, then the payload. */
function message(type: number, payload: Uint8Array, syncType?: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  if (syncType !== undefined) encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}
const update = (payload: Uint8Array) => message(0, payload, 2);

function bytes(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** The document as stored, read back through a fresh room after the live one unloaded. */
async function storedTitles(workshopId: string, docName: string): Promise<string[]> {
  await waitFor(() => !srv.server.rooms.isLoaded(workshopId, docName), {
    message: 'room unloaded',
  });
  return srv.server.rooms.withDoc(workshopId, docName, (doc) =>
    readRecommendations(doc).map((r) => r.title),
  );
}

async function hostile(token: string, workshopId: string, docName: string) {
  const raw = rawYjsSocket(srv.wsUrl, workshopId, docName, token);
  await waitFor(() => raw.state.messages > 0, { message: 'hostile socket greeted' });
  return raw;
}

describe('a room that no connection can break', () => {
  it('a truncated sync step 1 from a reader closes the reader alone; every later write is stored', async () => {
    const { w, docA, outsider, honest, watcher } = await room();
    // Another group's member may read this document: the 4-byte frame that used to fail the room.
    const raw = await hostile(outsider.token, w.workshopId, docA);
    raw.ws.send(new Uint8Array([0, 0, 5, 1]));
    expect(await waitFor(() => raw.state.closeCode)).toBe(CloseCode.badMessage);
    for (let i = 0; i < 10; i++) card(honest, `c${i}`, `Carte ${i}`);
    await waitFor(() => titles(watcher).length === 10, { message: 'ten cards relayed' });
    expect(honest.closes).toEqual([]);
    closeAll();
    expect((await storedTitles(w.workshopId, docA)).sort()).toHaveLength(10);
  });

  it('an update announcing millions of structs in a few bytes is refused before Yjs allocates them', async () => {
    const { w, docA, attacker, honest, watcher } = await room();
    // 1 client, 30 million structs, client 1, clock 0, and nothing else: 7 bytes.
    const lie = bytes((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 30_000_000);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 0);
    });
    const raws = await Promise.all(
      Array.from({ length: 20 }, () => hostile(attacker.token, w.workshopId, docA)),
    );
    for (const raw of raws) raw.ws.send(update(lie));
    for (const raw of raws)
      expect(await waitFor(() => raw.state.closeCode)).toBe(CloseCode.badMessage);
    card(honest, 'ok', 'Toujours là');
    await waitFor(() => titles(watcher).includes('Toujours là'));
    closeAll();
  });

  it('a struct of length zero (which would make the stored document unloadable) is refused', async () => {
    const { w, docA, attacker, honest } = await room();
    card(honest, 'kept', 'Gardée');
    await handledBy(honest);
    const raw = await hostile(attacker.token, w.workshopId, docA);
    // A GC struct of length 0: Yjs applies it, and the document then fails to load again.
    const gcZero = bytes((e) => {
      for (const n of [1, 1, 424242, 0]) encoding.writeVarUint(e, n);
      encoding.writeUint8(e, 0);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 0);
    });
    raw.ws.send(update(gcZero));
    expect(await waitFor(() => raw.state.closeCode)).toBe(CloseCode.badMessage);
    closeAll();
    expect(await storedTitles(w.workshopId, docA)).toEqual(['Gardée']);
  });

  it('frames that follow a refused one on the same connection are not read', async () => {
    const { w, docA, attacker, watcher } = await room();
    const raw = await hostile(attacker.token, w.workshopId, docA);
    const sneaky = new Y.Doc();
    addRecommendation(sneaky, {
      id: 's',
      title: 'Passée après la fermeture',
      body: '',
      authorId: 'e',
      createdAt: 1,
    });
    raw.ws.send(new Uint8Array([7]));
    raw.ws.send(update(Y.encodeStateAsUpdate(sneaky)));
    expect(await waitFor(() => raw.state.closeCode)).toBe(CloseCode.badMessage);
    await handledBy(watcher);
    expect(titles(watcher)).toEqual([]);
    closeAll();
    expect(await storedTitles(w.workshopId, docA)).toEqual([]);
  });

  it('updates waiting for missing dependencies are bounded: the sender is closed and new readers get a small answer', async () => {
    const { w, docA, attacker, member, honest } = await room();
    card(honest, 'real', 'Vraie carte');
    await handledBy(honest);
    const raw = await hostile(attacker.token, w.workshopId, docA);
    // Each update depends on one the server never received (its first 10 characters).
    for (let i = 0; i < 8; i++) {
      const source = new Y.Doc();
      const text = source.getText('filler');
      text.insert(0, 'x'.repeat(10));
      const before = Y.encodeStateVector(source);
      text.insert(10, 'y'.repeat(60_000));
      raw.ws.send(update(Y.encodeStateAsUpdate(source, before)));
    }
    expect(await waitFor(() => raw.state.closeCode)).toBe(CloseCode.badMessage);
    const reader = rawYjsSocket(srv.wsUrl, w.workshopId, docA, member.token);
    await waitFor(() => reader.state.opened);
    reader.ws.send(message(0, Y.encodeStateVector(new Y.Doc()), 0));
    const answer = await waitFor(() => reader.state.received.find((m) => m[0] === 0 && m[1] === 1));
    expect(answer.byteLength).toBeLessThan(LIMITS.pendingBytes + 4096);
    reader.ws.close();
    closeAll();
  });

  it('an over-long title written through a stock provider is cut to the limit everywhere, and snapshots and restores keep working', async () => {
    const { w, docA, honest, watcher } = await room();
    const long = 'T'.repeat(700);
    card(honest, 'long', long);
    await waitFor(() => titles(watcher)[0]?.length === LIMITS.recommendationTitle, {
      message: 'title cut on the watcher',
    });
    await waitFor(() => titles(honest)[0]?.length === LIMITS.recommendationTitle, {
      message: 'title cut on the writer too',
    });
    const auth = {
      authorization: `Bearer ${w.facilitatorKey}`,
      'content-type': 'application/json',
    };
    const snap = await fetch(`${srv.url}/api/workshops/${w.workshopId}/snapshots`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ label: 'après' }),
    });
    expect(snap.status).toBe(201);
    const { snapshotId } = (await snap.json()) as { snapshotId: string };
    const restore = await fetch(
      `${srv.url}/api/workshops/${w.workshopId}/snapshots/${snapshotId}/restore`,
      { method: 'POST', headers: auth },
    );
    expect(restore.status).toBe(200);
    closeAll();
    expect((await storedTitles(w.workshopId, docA))[0]).toHaveLength(LIMITS.recommendationTitle);
  });

  it('random frames from a writer never stop the room: honest clients keep converging and storing', async () => {
    const { w, docA, attacker, honest, watcher } = await room();
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 40; round++) {
      const raw = await hostile(attacker.token, w.workshopId, docA);
      const length = 1 + Math.floor(random() * 40);
      const frame = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      // Mostly well-framed sync updates with a random payload, sometimes anything at all.
      raw.ws.send(round % 3 === 0 ? frame : update(frame));
      card(honest, `r${round}`, `Tour ${round}`);
      raw.ws.close();
    }
    await waitFor(() => titles(watcher).length === 40, { message: 'forty cards relayed' });
    expect(honest.closes).toEqual([]);
    closeAll();
    expect(await storedTitles(w.workshopId, docA)).toHaveLength(40);
  });
});

describe('awareness is per connection', () => {
  /** Decodes awareness messages a raw socket received: client id → last state. */
  function statesSeen(received: Uint8Array[]): Map<number, unknown> {
    const states = new Map<number, unknown>();
    for (const m of received) {
      const d = decoding.createDecoder(m);
      if (decoding.readVarUint(d) !== 1) continue;
      const u = decoding.createDecoder(decoding.readVarUint8Array(d));
      for (let n = decoding.readVarUint(u); n > 0; n--) {
        const id = decoding.readVarUint(u);
        decoding.readVarUint(u);
        states.set(id, JSON.parse(decoding.readVarString(u)));
      }
    }
    return states;
  }

  function awareness(entries: [clientId: number, clock: number, state: unknown][]): Uint8Array {
    return message(
      1,
      bytes((e) => {
        encoding.writeVarUint(e, entries.length);
        for (const [id, clock, state] of entries) {
          encoding.writeVarUint(e, id);
          encoding.writeVarUint(e, clock);
          encoding.writeVarString(e, JSON.stringify(state));
        }
      }),
    );
  }

  it('a reader’s presence is neither kept nor relayed; a forged or oversized state is dropped', async () => {
    const { w, docA, outsider, attacker, honest } = await room();
    honest.provider.awareness.setLocalStateField('user', { name: 'Ana' });
    const listener = rawYjsSocket(srv.wsUrl, w.workshopId, docA, w.facilitatorKey);
    await waitFor(() => statesSeen(listener.state.received).has(honest.doc.clientID), {
      message: 'honest presence seen',
    });
    const reader = await hostile(outsider.token, w.workshopId, docA);
    reader.ws.send(awareness([[991, 1, { user: { name: 'Lecteur' } }]]));
    const writer = await hostile(attacker.token, w.workshopId, docA);
    writer.ws.send(
      awareness([
        [honest.doc.clientID, 999, { user: { name: 'Usurpée' } }],
        [992, 1, { user: { name: 'x'.repeat(LIMITS.awarenessStateBytes) } }],
        [993, 1, { user: { name: 'Eve' } }],
      ]),
    );
    await waitFor(() => statesSeen(listener.state.received).has(993), { message: 'Eve seen' });
    const seen = statesSeen(listener.state.received);
    expect(seen.has(991)).toBe(false);
    expect(seen.has(992)).toBe(false);
    expect(seen.get(honest.doc.clientID)).toEqual({ user: { name: 'Ana' } });
    listener.ws.close();
    reader.ws.close();
    writer.ws.close();
    closeAll();
  });

  it('one connection speaks for a few client ids at most, however many it announces', async () => {
    const { w, docA, attacker } = await room();
    const listener = rawYjsSocket(srv.wsUrl, w.workshopId, docA, w.facilitatorKey);
    await waitFor(() => listener.state.opened);
    const writer = await hostile(attacker.token, w.workshopId, docA);
    const ids = Array.from({ length: 50 }, (_, i) => 5000 + i);
    writer.ws.send(awareness(ids.map((id) => [id, 1, { user: { name: 'x'.repeat(1500) } }])));
    // Once the writer's messages are handled (its sync step 1 answered), a newcomer's greeting
    // carries every state the room keeps.
    writer.ws.send(message(0, Y.encodeStateVector(new Y.Doc()), 0));
    await waitFor(() => writer.state.received.some((m) => m[0] === 0 && m[1] === 1));
    const newcomer = rawYjsSocket(srv.wsUrl, w.workshopId, docA, w.facilitatorKey);
    await waitFor(() => statesSeen(newcomer.state.received).size > 0, { message: 'greeting' });
    const kept = [...statesSeen(newcomer.state.received).keys()].filter((id) => id >= 5000);
    expect(kept.length).toBe(LIMITS.awarenessClientsPerConnection);
    newcomer.ws.close();
    listener.ws.close();
    writer.ws.close();
    closeAll();
  });

  it('the map of entries keeps to its schema: a non-map entry written by a member is removed', async () => {
    const { honest, watcher } = await room();
    recommendationsMap(honest.doc).set('bad', 'not a map' as never);
    await waitFor(() => !recommendationsMap(honest.doc).has('bad'), { message: 'entry removed' });
    expect(recommendationsMap(watcher.doc).has('bad')).toBe(false);
    closeAll();
  });
});
