// Who may open and who may write the Yjs documents: close codes at the door, read-only clients
// whose changes reach no one and are never stored, the closed phase, and malformed messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.js';
import { addItem, addRecommendation, readItems, readRecommendations } from '../../shared/doc.js';
import { groupDocName, PLENARY_DOC } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, handledBy, rawYjsSocket, synced, type YClient } from '../helpers/clients.js';
import { ok, openSession } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

interface Setup {
  w: CreateWorkshopResult;
  groupA: string;
  groupB: string;
  memberA: JoinResult;
  memberB: JoinResult;
}

async function setup(): Promise<Setup> {
  const w = await createWorkshop(srv.url, { title: 'Accès', groups: ['A', 'B'] });
  const groupA = w.groups[0]!.id;
  const groupB = w.groups[1]!.id;
  const memberA = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: groupA });
  const memberB = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: groupB });
  return { w, groupA, groupB, memberA, memberB };
}

const clients: YClient[] = [];
function open(workshopId: string, docName: string, token: string | null): YClient {
  const client = connectDoc(srv.url, workshopId, docName, token);
  clients.push(client);
  return client;
}
function closeAll(): void {
  for (const client of clients.splice(0)) client.destroy();
}

const titles = (client: YClient) => readRecommendations(client.doc).map((r) => r.title);
const itemTitles = (client: YClient) => readItems(client.doc).map((i) => i.title);

function rec(doc: Y.Doc, id: string, title: string): Y.Map<unknown> {
  return addRecommendation(doc, { id, title, body: '', authorId: 'x', createdAt: Date.now() });
}

/** The document as the server has it stored: the room is unloaded first, then read back. */
async function storedDoc(workshopId: string, docName: string): Promise<Y.Doc> {
  await waitFor(() => !srv.server.rooms.isLoaded(workshopId, docName), {
    message: 'room unloaded',
  });
  const stored = await srv.server.store.loadDoc(workshopId, docName);
  const doc = new Y.Doc();
  if (stored.state) Y.applyUpdate(doc, stored.state);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

async function closeCodeOf(client: YClient): Promise<number> {
  return waitFor(() => client.closes[0], { message: 'connection closed by the server' });
}

describe('opening a document', () => {
  it('a connection without a token is closed with 4401', async () => {
    const { w, groupA } = await setup();
    expect(await closeCodeOf(open(w.workshopId, groupDocName(groupA), null))).toBe(
      CloseCode.unauthorized,
    );
    closeAll();
  });

  it('a connection with a token that matches nothing is closed with 4401', async () => {
    const { w, groupA } = await setup();
    const client = open(w.workshopId, groupDocName(groupA), 'not-a-real-token-aaaaaaaaaaaaaaaaa');
    expect(await closeCodeOf(client)).toBe(CloseCode.unauthorized);
    expect(client.provider.synced).toBe(false);
    closeAll();
  });

  it("another workshop's participant token or facilitator key is refused with 4403", async () => {
    const { w, groupA } = await setup();
    const other = await setup();
    const client = open(w.workshopId, groupDocName(groupA), other.memberA.token);
    expect(await closeCodeOf(client)).toBe(CloseCode.forbidden);
    const facilitator = open(w.workshopId, PLENARY_DOC, other.w.facilitatorKey);
    expect(await closeCodeOf(facilitator)).toBe(CloseCode.forbidden);
    closeAll();
  });

  it('a document the workshop does not have is refused with 4404', async () => {
    const { w, memberA } = await setup();
    const other = await setup();
    for (const docName of ['group-nope', groupDocName(other.groupA), 'notes', 'group-']) {
      expect(await closeCodeOf(open(w.workshopId, docName, memberA.token)), docName).toBe(
        CloseCode.notFound,
      );
    }
    closeAll();
  });

  it("every participant may read every group's document and the plenary", async () => {
    const { w, groupB, memberA, memberB } = await setup();
    const writer = open(w.workshopId, groupDocName(groupB), memberB.token);
    await synced(writer);
    rec(writer.doc, 'r1', 'Réserves d’eau');
    const reader = open(w.workshopId, groupDocName(groupB), memberA.token);
    const plenary = open(w.workshopId, PLENARY_DOC, memberA.token);
    await Promise.all([synced(reader), synced(plenary)]);
    await waitFor(() => titles(reader).includes('Réserves d’eau'));
    expect(reader.closes).toEqual([]);
    expect(plenary.closes).toEqual([]);
    closeAll();
  });
});

describe('write rights', () => {
  it("a participant's change to another group's document reaches no one and is never stored", async () => {
    const { w, groupB, memberA, memberB } = await setup();
    const docB = groupDocName(groupB);
    const owner = open(w.workshopId, docB, memberB.token);
    const facilitator = open(w.workshopId, docB, w.facilitatorKey);
    const intruder = open(w.workshopId, docB, memberA.token);
    await Promise.all([synced(owner), synced(facilitator), synced(intruder)]);

    const legit = rec(owner.doc, 'legit', 'Cartographier');
    await waitFor(
      () =>
        titles(intruder).includes('Cartographier') && titles(facilitator).includes('Cartographier'),
    );

    // The intruder adds a recommendation and edits the owner's one.
    rec(intruder.doc, 'intrusion', 'Intrus');
    const remote = intruder.doc.getMap('recommendations').get('legit') as Y.Map<unknown>;
    (remote.get('title') as Y.Text).insert(0, 'HACK ');
    await handledBy(intruder);
    // Anything the server had accepted from the intruder would be relayed before this later edit.
    (legit.get('title') as Y.Text).insert(13, ' les risques');
    await waitFor(() => titles(facilitator)[0] === 'Cartographier les risques');
    expect(titles(facilitator)).toEqual(['Cartographier les risques']);
    expect(titles(owner)).toEqual(['Cartographier les risques']);

    // Reconnecting replays the intruder's changes in its sync step 2: still dropped.
    intruder.provider.disconnect();
    intruder.provider.connect();
    await synced(intruder);
    await handledBy(intruder);
    const late = open(w.workshopId, docB, memberB.token);
    await synced(late);
    expect(titles(late)).toEqual(['Cartographier les risques']);
    expect(titles(facilitator)).toEqual(['Cartographier les risques']);

    closeAll();
    const stored = await storedDoc(w.workshopId, docB);
    expect(readRecommendations(stored).map((r) => r.title)).toEqual(['Cartographier les risques']);
    const reloaded = open(w.workshopId, docB, memberB.token);
    await synced(reloaded);
    expect(titles(reloaded)).toEqual(['Cartographier les risques']);
    closeAll();
  });

  it('a participant cannot write the plenary; the facilitator can, and every participant sees it', async () => {
    const { w, memberA, memberB } = await setup();
    const facilitator = open(w.workshopId, PLENARY_DOC, w.facilitatorKey);
    const participant = open(w.workshopId, PLENARY_DOC, memberA.token);
    const observer = open(w.workshopId, PLENARY_DOC, memberB.token);
    await Promise.all([synced(facilitator), synced(participant), synced(observer)]);

    addItem(participant.doc, {
      id: 'fake',
      title: 'Proposition',
      body: '',
      sources: [],
      createdAt: 1,
    });
    await handledBy(participant);
    addItem(facilitator.doc, {
      id: 'real',
      title: 'Synthèse',
      body: '',
      sources: [],
      createdAt: 2,
    });
    await waitFor(
      () =>
        itemTitles(observer).includes('Synthèse') && itemTitles(participant).includes('Synthèse'),
    );
    expect(itemTitles(observer)).toEqual(['Synthèse']);
    expect(itemTitles(facilitator)).toEqual(['Synthèse']);

    closeAll();
    const stored = await storedDoc(w.workshopId, PLENARY_DOC);
    expect(readItems(stored).map((i) => i.title)).toEqual(['Synthèse']);
  });

  it("the facilitator may write every group's document", async () => {
    const { w, groupA, memberA } = await setup();
    const facilitator = open(w.workshopId, groupDocName(groupA), w.facilitatorKey);
    const member = open(w.workshopId, groupDocName(groupA), memberA.token);
    await Promise.all([synced(facilitator), synced(member)]);
    rec(facilitator.doc, 'f1', 'Note de l’animatrice');
    await waitFor(() => titles(member).includes('Note de l’animatrice'));
    closeAll();
  });

  it('in phase closed every document is read-only for everyone, the facilitator included, until the phase changes', async () => {
    const { w, groupA, memberA, memberB } = await setup();
    const control = await openSession(srv.url, w.facilitatorKey);
    const docA = groupDocName(groupA);
    const member = open(w.workshopId, docA, memberA.token);
    const groupObserver = open(w.workshopId, docA, w.facilitatorKey);
    const facilitatorPlenary = open(w.workshopId, PLENARY_DOC, w.facilitatorKey);
    const plenaryObserver = open(w.workshopId, PLENARY_DOC, memberB.token);
    await Promise.all(
      [member, groupObserver, facilitatorPlenary, plenaryObserver].map((c) => synced(c)),
    );
    rec(member.doc, 'before', 'Avant');
    await waitFor(() => titles(groupObserver).includes('Avant'));

    await ok(control.socket, 'phase:set', { phase: 'closed' });
    rec(member.doc, 'closed-rec', 'Pendant');
    addItem(facilitatorPlenary.doc, {
      id: 'closed-item',
      title: 'Pendant',
      body: '',
      sources: [],
      createdAt: 1,
    });
    rec(groupObserver.doc, 'closed-by-facilitator', 'Pendant aussi');
    await handledBy(member);
    await handledBy(facilitatorPlenary);
    await handledBy(groupObserver);

    // Fresh clients sync after every pending write: what they see is what the server has.
    const freshGroup = open(w.workshopId, docA, memberB.token);
    const freshPlenary = open(w.workshopId, PLENARY_DOC, memberA.token);
    await Promise.all([synced(freshGroup), synced(freshPlenary)]);
    expect(titles(freshGroup)).toEqual(['Avant']);
    expect(itemTitles(freshPlenary)).toEqual([]);
    expect(titles(groupObserver).sort()).toEqual(['Avant', 'Pendant aussi']); // its own, local only
    expect(titles(member).sort()).toEqual(['Avant', 'Pendant']); // its own, local only
    expect(itemTitles(plenaryObserver)).toEqual([]);

    // Reopening: writing works again, for a participant and for the facilitator. (What clients
    // held back while closed may merge now: the server asks writers to resync when rights reopen.)
    await ok(control.socket, 'phase:set', { phase: 'write' });
    const newMember = open(w.workshopId, docA, memberA.token);
    await synced(newMember);
    rec(newMember.doc, 'after', 'Après');
    await waitFor(() => titles(freshGroup).includes('Après'));
    const newFacilitator = open(w.workshopId, PLENARY_DOC, w.facilitatorKey);
    await synced(newFacilitator);
    addItem(newFacilitator.doc, {
      id: 'after-item',
      title: 'Après',
      body: '',
      sources: [],
      createdAt: 3,
    });
    await waitFor(() => itemTitles(freshPlenary).includes('Après'));
    expect(titles(freshGroup)).toEqual(expect.arrayContaining(['Après', 'Avant']));

    control.socket.disconnect();
    closeAll();
    const stored = await storedDoc(w.workshopId, docA);
    expect(readRecommendations(stored).map((r) => r.title)).toEqual(
      expect.arrayContaining(['Après', 'Avant']),
    );
  });

  it('a participant moved to another group writes there at once, and no longer in the old group', async () => {
    const { w, groupA, groupB, memberA, memberB } = await setup();
    const control = await openSession(srv.url, w.facilitatorKey);
    await ok(control.socket, 'participant:move', {
      participantId: memberA.participantId,
      groupId: groupB,
    });
    const inB = open(w.workshopId, groupDocName(groupB), memberA.token);
    const observerB = open(w.workshopId, groupDocName(groupB), memberB.token);
    const inA = open(w.workshopId, groupDocName(groupA), memberA.token);
    const observerA = open(w.workshopId, groupDocName(groupA), w.facilitatorKey);
    await Promise.all([inB, observerB, inA, observerA].map((c) => synced(c)));
    rec(inA.doc, 'old', 'Ancien groupe');
    await handledBy(inA);
    rec(inB.doc, 'new', 'Nouveau groupe');
    await waitFor(() => titles(observerB).includes('Nouveau groupe'));
    const fresh = open(w.workshopId, groupDocName(groupA), w.facilitatorKey);
    await synced(fresh);
    expect(titles(fresh)).toEqual([]);
    control.socket.disconnect();
    closeAll();
  });
});

describe('malformed messages', () => {
  const rawSocket = (workshopId: string, docName: string, token: string) =>
    rawYjsSocket(srv.wsUrl, workshopId, docName, token);

  const garbage: [string, number[]][] = [
    ['an unknown sync message type', [0, 9, 9]],
    ['a truncated varint', [200]],
    ['an unknown message type', [7]],
    ['an update without its payload', [0, 2]],
    ['an update whose payload is not a Yjs update', [0, 2, 3, 1, 2, 3]],
    ['a sync step 1 with a truncated state vector', [0, 0, 5, 1]],
    ['an empty message', []],
  ];

  /**
   * Sends `bytes` on a raw connection of a member who may write (its updates are decoded, not
   * just dropped) and checks that only that connection closes, with `code`, while the room and
   * the server go on.
   */
  async function expectClosedAlone(bytes: Uint8Array, code: number): Promise<void> {
    const { w, groupA, memberA } = await setup();
    const docA = groupDocName(groupA);
    const a = open(w.workshopId, docA, memberA.token);
    const b = open(w.workshopId, docA, w.facilitatorKey);
    await Promise.all([synced(a), synced(b)]);

    const raw = rawSocket(w.workshopId, docA, memberA.token);
    // The server greets an accepted connection with its sync step 1.
    await waitFor(() => raw.state.messages > 0, { message: 'raw socket greeted' });
    raw.ws.send(bytes);
    expect(await waitFor(() => raw.state.closeCode, { message: 'raw socket closed' })).toBe(code);

    rec(a.doc, 'after', 'Toujours là');
    await waitFor(() => titles(b).includes('Toujours là'));
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    closeAll();
  }

  it.each(garbage)(
    '%s closes that one connection with 4400, and the room keeps syncing',
    async (_, bytes) => expectClosedAlone(new Uint8Array(bytes), CloseCode.badMessage),
  );

  it('a message over the size limit closes that one connection with 1009; the server and the room go on', async () => {
    const { LIMITS } = await import('../../shared/limits.js');
    // 1009: "message too big" (RFC 6455). Before the fix this took the whole process down.
    await expectClosedAlone(new Uint8Array(LIMITS.messageBytes + 1), 1009);
  });

  it('garbage sent before the connection is authenticated closes it with 4400 too', async () => {
    const { w, groupA, memberA } = await setup();
    const raw = rawSocket(w.workshopId, groupDocName(groupA), memberA.token);
    await waitFor(() => raw.state.opened);
    raw.ws.send(new Uint8Array([0, 9, 9]));
    expect(await waitFor(() => raw.state.closeCode, { message: 'raw socket closed' })).toBe(
      CloseCode.badMessage,
    );
    const client = open(w.workshopId, groupDocName(groupA), memberA.token);
    await synced(client);
    closeAll();
  });
});

describe('awareness', () => {
  it('awareness changes that arrive together reach each connection folded into one message', async () => {
    const { w, groupA, memberA } = await setup();
    const docA = groupDocName(groupA);
    const writers = [
      open(w.workshopId, docA, memberA.token),
      open(w.workshopId, docA, memberA.token),
      open(w.workshopId, docA, w.facilitatorKey),
    ];
    await Promise.all(writers.map((c) => synced(c)));
    // A raw connection decodes every awareness message (type 1) it receives: how many marked
    // states each one carries.
    const url = `${srv.wsUrl}/yjs/${w.workshopId}/${docA}?token=${encodeURIComponent(w.facilitatorKey)}`;
    const raw = new WebSocket(url);
    const markedPerMessage: number[] = [];
    raw.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) !== 1) return;
      const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      let marked = 0;
      for (let n = decoding.readVarUint(update); n > 0; n--) {
        decoding.readVarUint(update); // client id
        decoding.readVarUint(update); // clock
        const state = JSON.parse(decoding.readVarString(update)) as { mark?: string } | null;
        if (state?.mark) marked++;
      }
      markedPerMessage.push(marked);
    });
    await new Promise((resolve) => raw.once('open', resolve));
    writers.forEach((c, i) => c.provider.awareness.setLocalStateField('mark', `m${i}`));
    // Every writer's change reaches the others, and the raw connection got at least two of the
    // three in one message (each change alone would be one message each).
    for (const c of writers) {
      await waitFor(() =>
        writers.every(
          (o, i) => c.provider.awareness.getStates().get(o.doc.clientID)?.mark === `m${i}`,
        ),
      );
    }
    await waitFor(() => markedPerMessage.reduce((a, b) => a + b, 0) >= writers.length, {
      message: 'the raw connection saw every mark',
    });
    expect(Math.max(...markedPerMessage)).toBeGreaterThanOrEqual(2);
    raw.close();
    closeAll();
  });
});

describe('document size limit', () => {
  it('a writer that would take a document past its size limit is closed with 4413; the document still serves readers', async () => {
    const { LIMITS } = await import('../../shared/limits.js');
    const w = await createWorkshop(srv.url);
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId });
    const writer = connectDoc(srv.url, w.workshopId, groupDocName(groupId), ana.token);
    await synced(writer);
    const chunk = 'x'.repeat(900 * 1024);
    const text = writer.doc.getText('flood');
    const rounds = Math.ceil(LIMITS.documentBytes / chunk.length) + 1;
    for (let i = 0; i < rounds && !writer.closes.includes(4413); i++) {
      text.insert(text.length, chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => writer.closes.includes(4413), {
      timeout: 15_000,
      message: 'writer closed with 4413',
    });
    writer.destroy();

    const reader = connectDoc(srv.url, w.workshopId, groupDocName(groupId), w.facilitatorKey);
    await synced(reader, 15_000);
    const length = reader.doc.getText('flood').length;
    expect(length).toBeGreaterThan(0);
    expect(length).toBeLessThanOrEqual(LIMITS.documentBytes);
    reader.destroy();
  }, 60_000);
});
