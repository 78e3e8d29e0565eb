// Yjs across two server processes on one PostgreSQL and one Redis (REDIS_URL): participants on
// different processes co-write one card and see each other's presence; Redis paused for five
// seconds, the documents still converge (the log poll) and go on after; a process SIGKILLed, its
// clients go on on the other one and nothing any client had seen is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { addRecommendation, readRecommendations, recommendationsMap } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait.js';

let cluster: TestCluster;
const clients: YClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(2);
}, 180_000);
afterAll(async () => {
  for (const c of clients) c.destroy();
  await cluster?.stop();
}, 60_000);

const card = (id: string, title: string, authorId: string) => ({
  id,
  title,
  body: '',
  authorId,
  createdAt: 1,
});
const ids = (doc: Y.Doc) => new Set(readRecommendations(doc).map((r) => r.id));
const titleOf = (doc: Y.Doc, id: string) =>
  (recommendationsMap(doc).get(id)?.get('title') as Y.Text | undefined)?.toString();

/** A workshop with one group, two participants of it, and a client of each on another process. */
async function pair(label: string) {
  const [one, two] = cluster.servers.slice(-2).map((s) => s.url) as [string, string];
  const w = await createWorkshop(one, { title: `Cluster ${label}`, groups: ['Eau'] });
  const groupId = w.groups[0]!.id;
  const docName = groupDocName(groupId);
  const ana = await joinWorkshop(one, w.code, { name: 'Ana', groupId });
  const louis = await joinWorkshop(two, w.code, { name: 'Louis', groupId });
  const a = connectDoc(one, w.workshopId, docName, ana.token);
  const b = connectDoc(two, w.workshopId, docName, louis.token);
  clients.push(a, b);
  await Promise.all([synced(a, 20_000), synced(b, 20_000)]);
  return { w, docName, ana, louis, a, b, one, two };
}

describe('Yjs on two processes', () => {
  it('participants on different processes co-write one card and see each other’s presence', async () => {
    const { a, b, ana } = await pair('co-write');
    addRecommendation(a.doc, card('r1', 'Cartographier', ana.participantId));
    await waitFor(() => titleOf(b.doc, 'r1') === 'Cartographier', {
      timeout: 20_000,
      message: 'the card on the other process',
    });
    // Both type into the same title at once, keystroke by keystroke.
    const ta = recommendationsMap(a.doc).get('r1')!.get('title') as Y.Text;
    const tb = recommendationsMap(b.doc).get('r1')!.get('title') as Y.Text;
    for (const char of ' les sources') {
      ta.insert(ta.length, char);
      tb.insert(0, char.toUpperCase());
    }
    await waitFor(() => ta.toString() === tb.toString() && ta.length === 13 + 24, {
      timeout: 20_000,
      message: 'one title on both clients',
    });
    expect(ta.toString()).toContain('Cartographier');

    // Presence: each sees the other's awareness state, relayed between the processes.
    a.provider.awareness.setLocalStateField('user', { name: 'Ana', editing: 'r1' });
    b.provider.awareness.setLocalStateField('user', { name: 'Louis', editing: 'r1' });
    const userSeen = (by: YClient, of: YClient) =>
      (by.provider.awareness.getStates().get(of.doc.clientID) as { user?: { name?: string } })?.user
        ?.name;
    await waitFor(() => userSeen(b, a) === 'Ana' && userSeen(a, b) === 'Louis', {
      timeout: 20_000,
      message: 'each one’s presence on the other process',
    });
    // Leaving is seen too.
    const leaving = a.doc.clientID;
    a.provider.disconnect();
    await waitFor(() => !b.provider.awareness.getStates().has(leaving), {
      timeout: 20_000,
      message: 'the one who left gone from the other process',
    });
    a.provider.connect();
    await synced(a, 20_000);
  });

  it('with Redis paused for five seconds, the documents converge (the log poll) and go on after', async () => {
    const { a, b, ana, louis } = await pair('pause');
    cluster.redis.pause();
    const pausedAt = Date.now();
    try {
      addRecommendation(a.doc, card('pa', 'Pendant la pause, Ana', ana.participantId));
      addRecommendation(b.doc, card('pb', 'Pendant la pause, Louis', louis.participantId));
      await waitFor(() => ids(a.doc).has('pb') && ids(b.doc).has('pa'), {
        timeout: 20_000,
        message: 'both cards on both clients while Redis is paused',
      });
      // The pause lasts five seconds whatever happened meanwhile.
      const rest = 5_000 - (Date.now() - pausedAt);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    } finally {
      cluster.redis.resume();
    }
    addRecommendation(a.doc, card('qa', 'Après la pause, Ana', ana.participantId));
    addRecommendation(b.doc, card('qb', 'Après la pause, Louis', louis.participantId));
    const all = ['pa', 'pb', 'qa', 'qb'];
    await waitFor(() => all.every((id) => ids(a.doc).has(id) && ids(b.doc).has(id)), {
      timeout: 20_000,
      message: 'every card on both clients after the pause',
    });
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
  });

  it('a process SIGKILLed: its clients go on on the other, and nothing any client had seen is lost', async () => {
    const { w, docName, a, b, ana, louis, one, two } = await pair('kill');
    const killed = cluster.servers.find((s) => s.url === one)!;
    // Ana writes a card every few milliseconds; the process she is on dies while she writes.
    let written = 0;
    const writing = (async () => {
      while (written < 60 && a.provider.wsconnected) {
        addRecommendation(a.doc, card(`a${written}`, `Carte ${written}`, ana.participantId));
        written++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    addRecommendation(b.doc, card('b0', 'De Louis', louis.participantId));
    await waitFor(() => [...ids(b.doc)].filter((id) => id.startsWith('a')).length >= 10, {
      timeout: 20_000,
      message: 'Louis sees Ana’s first cards',
    });
    killed.child.kill('SIGKILL');
    await killed.exited;
    await writing;
    const seenByLouis = ids(b.doc);
    const seenByAna = ids(a.doc);

    // What Louis had seen is in the database: a newcomer on the surviving process has it all.
    const fresh = connectDoc(two, w.workshopId, docName, louis.token);
    clients.push(fresh);
    await synced(fresh, 20_000);
    for (const id of seenByLouis) expect(ids(fresh.doc).has(id), id).toBe(true);

    // Ana's page reconnects to the surviving process (the proxy's next choice) with her document:
    // what the dead process never stored, her client sends again.
    a.provider.destroy();
    const again = new WebsocketProvider(
      `${two.replace(/^http/, 'ws')}/yjs/${w.workshopId}`,
      docName,
      a.doc,
      {
        params: { token: ana.token },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      },
    );
    try {
      addRecommendation(a.doc, card('after', 'Après la panne', ana.participantId));
      const everything = new Set([...seenByAna, ...seenByLouis, 'after']);
      await waitFor(
        () => [...everything].every((id) => ids(b.doc).has(id) && ids(fresh.doc).has(id)),
        {
          timeout: 20_000,
          message: 'every card anyone had, on both remaining clients',
        },
      );
    } finally {
      again.destroy();
    }
  });
});
