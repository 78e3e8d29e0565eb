// The facilitator's room controls (issue 16), with stock clients: "j'ai fini" counts, messages to
// the room or one group, help calls, bringing everyone to one card, private writing then reveal,
// the template's default durations, and the refusals of facilitator-only commands.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addRecommendation, readRecommendations, recommendationsMap } from '../../shared/doc.js';
import { draftDocName, type RoomMessage } from '../../shared/facilitation.js';
import { groupDocName } from '../../shared/ids.js';
import type { WorkshopInfo } from '../../shared/schemas.js';
import { DEFAULT_STEPS } from '../../shared/templates.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import {
  connectDoc,
  connectSocket,
  handledBy,
  synced,
  type TestSocket,
  type YClient,
} from '../helpers/clients.js';
import { ok, record, refusal, sessionPool, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

const { session, closeAll } = sessionPool(() => srv.url);
const docs: YClient[] = [];
const sockets: TestSocket[] = [];
function doc(workshopId: string, docName: string, token: string): YClient {
  const client = connectDoc(srv.url, workshopId, docName, token);
  docs.push(client);
  return client;
}
afterEach(() => {
  closeAll();
  for (const d of docs.splice(0)) d.destroy();
  for (const s of sockets.splice(0)) s.disconnect();
});

async function screenKey(workshopId: string, key: string): Promise<string> {
  const res = await fetch(`${srv.url}/api/workshops/${workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { screenKey: string }).screenKey;
}

/** A socket that records room:message from its first packet on (the welcome sends some). */
async function listening(token: string) {
  const socket = connectSocket(srv.url, token);
  sockets.push(socket);
  const seen = record(socket, 'room:message');
  const state = record(socket, 'workshop:state');
  await waitFor(() => socket.connected && state.length > 0, { message: 'connected' });
  return { socket, seen };
}

/** A workshop of two groups: Ana and Bea in the first, Chloé in the second. */
async function room() {
  const w = await createWorkshop(srv.url);
  const [gA, gB] = [w.groups[0]!.id, w.groups[1]!.id];
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: gA });
  const bea = await joinWorkshop(srv.url, w.code, { name: 'Bea', groupId: gA });
  const chloe = await joinWorkshop(srv.url, w.code, { name: 'Chloé', groupId: gB });
  return { w, gA, gB, ana, bea, chloe };
}

describe('“j’ai fini”', () => {
  it('counts per group how many online members are done, anonymously, and follows leaves, moves and phases', async () => {
    const { w, gA, gB, ana, bea, chloe } = await room();
    const fac = await session(w.facilitatorKey);
    const a = await session(ana.token);
    const b = await session(bea.token);
    const c = await session(chloe.token);
    const readyOf = (s: typeof fac) => s.state.at(-1)?.ready;
    await waitFor(() => readyOf(fac)?.[gA]?.of === 2 && readyOf(fac)?.[gB]?.of === 1, {
      message: 'everyone online counted',
    });
    expect(readyOf(fac)?.[gA]).toEqual({ done: 0, of: 2 });

    await ok(a.socket, 'ready:set', { done: true });
    // The facilitator and the participants read the same counts, and nothing names who.
    for (const s of [fac, a, b, c]) {
      await waitFor(() => readyOf(s)?.[gA]?.done === 1, { message: 'one done in A' });
    }
    expect(JSON.stringify(readyOf(c))).not.toContain(ana.participantId);

    await ok(a.socket, 'ready:set', { done: false });
    await waitFor(() => readyOf(fac)?.[gA]?.done === 0, { message: 'undone' });

    // Bea is done, then leaves: she counts neither as done nor as one of the group.
    await ok(a.socket, 'ready:set', { done: true });
    await ok(b.socket, 'ready:set', { done: true });
    await waitFor(() => readyOf(fac)?.[gA]?.done === 2, { message: 'two done' });
    b.socket.disconnect();
    await waitFor(() => readyOf(fac)?.[gA]?.done === 1 && readyOf(fac)?.[gA]?.of === 1, {
      message: 'a leaver is not counted',
    });

    // Ana moves to the second group: done in the first, not yet in the second.
    await ok(fac.socket, 'participant:move', { participantId: ana.participantId, groupId: gB });
    await waitFor(
      () =>
        readyOf(fac)?.[gA]?.of === 0 &&
        readyOf(fac)?.[gB]?.of === 2 &&
        readyOf(fac)?.[gB]?.done === 0,
      { message: 'a move counted in the new group, not done there' },
    );

    await ok(c.socket, 'ready:set', { done: true });
    await waitFor(() => readyOf(fac)?.[gB]?.done === 1, { message: 'Chloé done' });
    await ok(fac.socket, 'phase:set', { phase: 'write' });
    await waitFor(() => fac.state.at(-1)?.phase === 'write' && readyOf(fac)?.[gB]?.done === 0, {
      message: 'a new phase resets the counts',
    });
  });

  it('is a participant’s word: the facilitator and the projection cannot say it', async () => {
    const { w } = await room();
    const fac = await session(w.facilitatorKey);
    const screen = await session(await screenKey(w.workshopId, w.facilitatorKey));
    expect(await refusal(fac.socket, 'ready:set', { done: true })).toBe('forbidden');
    expect(await refusal(screen.socket, 'ready:set', { done: true })).toBe('forbidden');
    expect(await refusal(screen.socket, 'help:call', {})).toBe('forbidden');
  });
});

describe('messages to the room', () => {
  it('a message to one group reaches its laptops and the facilitator, not the others nor the projection', async () => {
    const { w, gA, ana, bea, chloe } = await room();
    const fac = await session(w.facilitatorKey);
    const screen = await session(await screenKey(w.workshopId, w.facilitatorKey));
    const sessions = {
      fac,
      screen,
      a: await session(ana.token),
      b: await session(bea.token),
      c: await session(chloe.token),
    };
    const seen = Object.fromEntries(
      Object.entries(sessions).map(([k, s]) => [k, record(s.socket, 'room:message')]),
    ) as Record<keyof typeof sessions, RoomMessage[]>;

    const toA = await ok(fac.socket, 'message:send', {
      text: 'Groupe A, pensez au budget',
      groupId: gA,
    });
    expect(toA).toMatchObject({ text: 'Groupe A, pensez au budget', groupId: gA });
    const toAll = await ok(fac.socket, 'message:send', { text: '  5 minutes encore ' });
    expect(toAll).toMatchObject({ text: '5 minutes encore', groupId: null });

    // Every socket gets the room's message; what came to a socket before it is all it got.
    for (const k of Object.keys(sessions) as (keyof typeof sessions)[]) {
      await waitFor(() => seen[k].some((m) => m.id === toAll.id), { message: `${k} got it` });
    }
    for (const k of ['fac', 'a', 'b'] as const) {
      expect(seen[k].map((m) => m.id)).toEqual([toA.id, toAll.id]);
    }
    for (const k of ['c', 'screen'] as const) {
      expect(seen[k].map((m) => m.id)).toEqual([toAll.id]);
    }
  });

  it('a laptop that reconnects gets the last message of the room and of its group, until it is cleared', async () => {
    const { w, gA, gB, ana, chloe } = await room();
    const fac = await session(w.facilitatorKey);
    await ok(fac.socket, 'message:send', { text: 'premier', groupId: gA });
    const lastA = await ok(fac.socket, 'message:send', { text: 'dernier', groupId: gA });
    const toB = await ok(fac.socket, 'message:send', { text: 'pour B', groupId: gB });
    const toAll = await ok(fac.socket, 'message:send', { text: 'pour tous' });

    // The welcome's messages follow its first state: a marker sent later closes the list.
    const { socket: late, seen: lateSeen } = await listening(ana.token);
    const { seen: cSeen } = await listening(chloe.token);
    const marker1 = await ok(fac.socket, 'message:send', { text: 'repère', groupId: gB });
    await waitFor(() => cSeen.some((m) => m.id === marker1.id), { message: 'marker to B' });
    await waitFor(() => lateSeen.length >= 2, { message: 'messages on reconnect' });
    expect(lateSeen.map((m) => m.id).sort()).toEqual([lastA.id, toAll.id].sort());
    expect(cSeen.map((m) => m.id).sort()).toEqual([toB.id, toAll.id, marker1.id].sort());

    const cleared = record(late, 'room:messageCleared');
    expect(await ok(fac.socket, 'message:clear', { groupId: gA })).toEqual({
      groupId: gA,
      cleared: true,
    });
    await waitFor(() => cleared.some((e) => e.groupId === gA), { message: 'cleared' });
    const { seen: againSeen } = await listening(ana.token);
    // A marker sent after the welcome: everything the welcome carried arrived before it.
    const marker = await ok(fac.socket, 'message:send', { text: 'repère' });
    await waitFor(() => againSeen.some((m) => m.id === marker.id), { message: 'marker' });
    expect(againSeen.map((m) => m.id)).toEqual([toAll.id, marker.id]);
  });

  it('holds messages to the limits: 1..200 characters, a group of this workshop', async () => {
    const { w } = await room();
    const fac = await session(w.facilitatorKey);
    expect(await refusal(fac.socket, 'message:send', { text: '   ' })).toBe('invalid_payload');
    expect(await refusal(fac.socket, 'message:send', { text: 'x'.repeat(201) })).toBe(
      'invalid_payload',
    );
    expect(await refusal(fac.socket, 'message:send', { text: 'hé', groupId: 'nope' })).toBe(
      'not_found',
    );
  });
});

describe('help calls', () => {
  it('a group calls the facilitator once, sees its call pending, and the facilitator resolves it', async () => {
    const { w, gA, ana, bea, chloe } = await room();
    const fac = await session(w.facilitatorKey);
    const a = await session(ana.token);
    const b = await session(bea.token);
    const c = await session(chloe.token);
    const first = await ok(a.socket, 'help:call', {});
    expect(first.groupId).toBe(gA);
    // Idempotent: Bea's call is the same call, still in its place in line.
    expect(await ok(b.socket, 'help:call', {})).toEqual(first);
    await waitFor(() => fac.state.at(-1)?.help?.length === 1, { message: 'call listed' });
    expect(fac.state.at(-1)?.help).toEqual([{ groupId: gA, since: first.since }]);
    await waitFor(() => b.state.at(-1)?.help?.some((h) => h.groupId === gA), {
      message: 'the group sees its call pending',
    });
    expect(c.state.at(-1)?.help?.some((h) => h.groupId !== gA)).toBeFalsy();

    expect(await ok(fac.socket, 'help:resolve', { groupId: gA })).toEqual({
      groupId: gA,
      resolved: true,
    });
    await waitFor(() => a.state.at(-1)?.help?.length === 0, { message: 'resolved' });
    expect(await refusal(a.socket, 'help:resolve', { groupId: gA })).toBe('forbidden');
  });
});

describe('bringing everyone to one card', () => {
  it('the focus reaches every socket, the projection included, and a phase change clears it', async () => {
    const { w, gA, gB, ana, chloe } = await room();
    await writeRecommendations(srv.url, w.workshopId, gA, ana.token, w.facilitatorKey, [
      { id: 'r1', title: 'Covoiturage' },
    ]);
    const fac = await session(w.facilitatorKey);
    const everyone = [
      fac,
      await session(await screenKey(w.workshopId, w.facilitatorKey)),
      await session(ana.token),
      await session(chloe.token),
    ];
    const target = { kind: 'recommendation', targetId: `${gA}/r1` } as const;
    expect(await ok(fac.socket, 'focus:set', { target })).toEqual({ focus: target });
    for (const s of everyone) {
      await waitFor(() => s.state.at(-1)?.focus?.kind === 'recommendation', {
        message: 'focus reached',
      });
      expect(s.state.at(-1)?.focus).toEqual(target);
    }

    await ok(fac.socket, 'focus:set', { target: { kind: 'group', groupId: gB } });
    await waitFor(() => everyone.every((s) => s.state.at(-1)?.focus?.kind === 'group'));

    for (const missing of [
      { kind: 'recommendation', targetId: `${gA}/nope` },
      { kind: 'recommendation', targetId: `nope/r1` },
      { kind: 'item', id: 'nope' },
      { kind: 'group', groupId: 'nope' },
    ] as const) {
      expect(await refusal(fac.socket, 'focus:set', { target: missing })).toBe('not_found');
    }

    await ok(fac.socket, 'phase:set', { phase: 'write' });
    await waitFor(
      () =>
        everyone.every((s) => s.state.at(-1)?.phase === 'write' && s.state.at(-1)?.focus === null),
      { message: 'cleared by the phase change' },
    );
  });
});

describe('private writing, then reveal', () => {
  it('each writes alone in a draft nobody else reads; the reveal puts every draft’s cards in the group together', async () => {
    const { w, gA, ana, bea } = await room();
    const fac = await session(w.facilitatorKey);
    const screenToken = await screenKey(w.workshopId, w.facilitatorKey);
    expect(await ok(fac.socket, 'private:set', { on: true })).toEqual({ private: true });
    await waitFor(() => fac.state.at(-1)?.private === true, { message: 'private in the state' });

    // Another participant and the projection cannot open Ana's draft.
    const peek = doc(w.workshopId, draftDocName(ana.participantId), bea.token);
    const screenPeek = doc(w.workshopId, draftDocName(ana.participantId), screenToken);
    await waitFor(() => peek.closes.includes(4403) && screenPeek.closes.includes(4403), {
      message: '4403 on another’s draft',
    });

    const anaDraft = doc(w.workshopId, draftDocName(ana.participantId), ana.token);
    const beaDraft = doc(w.workshopId, draftDocName(bea.participantId), bea.token);
    const anaGroup = doc(w.workshopId, groupDocName(gA), ana.token);
    const observer = doc(w.workshopId, groupDocName(gA), w.facilitatorKey);
    await Promise.all([anaDraft, beaDraft, anaGroup, observer].map((c) => synced(c)));

    // While private, a participant's write to the group document changes nothing.
    addRecommendation(anaGroup.doc, {
      id: 'early',
      title: 'Trop tôt',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    await handledBy(anaGroup);
    await handledBy(observer);
    expect(recommendationsMap(observer.doc).has('early')).toBe(false);

    const cards = [
      { client: anaDraft, id: 'a1', title: 'Vélo', author: ana.participantId, createdAt: 10 },
      { client: anaDraft, id: 'a2', title: 'Bus', author: ana.participantId, createdAt: 11 },
      { client: beaDraft, id: 'b1', title: 'Marche', author: bea.participantId, createdAt: 12 },
    ];
    for (const c of cards) {
      addRecommendation(c.client.doc, {
        id: c.id,
        title: c.title,
        body: 'détail',
        authorId: c.author,
        createdAt: c.createdAt,
      });
    }
    // The facilitator reads a draft (the cards are stored before the reveal is asked for).
    const facDraft = doc(w.workshopId, draftDocName(ana.participantId), w.facilitatorKey);
    await synced(facDraft);
    await waitFor(() => recommendationsMap(facDraft.doc).size === 2, { message: 'draft stored' });
    await handledBy(beaDraft);

    // Every time the group document changes, how many of the drafts' cards it holds.
    const counts: number[] = [];
    observer.doc.on('update', () => {
      const ids = new Set(readRecommendations(observer.doc).map((r) => r.id));
      counts.push(cards.filter((c) => ids.has(c.id)).length);
    });

    expect(await ok(fac.socket, 'private:reveal', {})).toEqual({ revealed: 3 });
    await waitFor(() => counts.at(-1) === 3, { message: 'cards revealed' });
    expect(counts.filter((n) => n > 0 && n < 3)).toEqual([]);
    const revealed = readRecommendations(observer.doc);
    for (const c of cards) {
      expect(revealed.find((r) => r.id === c.id)).toMatchObject({
        title: c.title,
        body: 'détail',
        authorId: c.author,
        createdAt: c.createdAt,
      });
    }
    await waitFor(
      () =>
        recommendationsMap(anaDraft.doc).size === 0 && recommendationsMap(beaDraft.doc).size === 0,
      { message: 'drafts emptied' },
    );
    await waitFor(() => fac.state.at(-1)?.private === false, { message: 'private off' });

    // Writing in the group works again; the draft is read-only for its author now.
    addRecommendation(anaGroup.doc, {
      id: 'after',
      title: 'Après',
      body: '',
      authorId: ana.participantId,
      createdAt: 20,
    });
    await waitFor(() => recommendationsMap(observer.doc).has('after'), { message: 'writes again' });
    addRecommendation(anaDraft.doc, {
      id: 'late',
      title: 'Tard',
      body: '',
      authorId: ana.participantId,
      createdAt: 21,
    });
    await handledBy(anaDraft);
    await handledBy(facDraft);
    expect(recommendationsMap(facDraft.doc).has('late')).toBe(false);
  });

  it('a blocked participant’s draft takes nothing in', async () => {
    const { w, ana } = await room();
    const fac = await session(w.facilitatorKey);
    await ok(fac.socket, 'private:set', { on: true });
    await ok(fac.socket, 'participant:block', { participantId: ana.participantId, blocked: true });
    const draft = doc(w.workshopId, draftDocName(ana.participantId), ana.token);
    const facDraft = doc(w.workshopId, draftDocName(ana.participantId), w.facilitatorKey);
    await Promise.all([synced(draft), synced(facDraft)]);
    addRecommendation(draft.doc, {
      id: 'blocked',
      title: 'Rien',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    await handledBy(draft);
    await handledBy(facDraft);
    expect(recommendationsMap(facDraft.doc).has('blocked')).toBe(false);
  });

  it('a draft of nobody is not found; a participant cannot switch private writing', async () => {
    const { w, ana } = await room();
    const none = doc(w.workshopId, draftDocName('nobody'), w.facilitatorKey);
    await waitFor(() => none.closes.includes(4404), { message: '4404' });
    const a = await session(ana.token);
    expect(await refusal(a.socket, 'private:set', { on: true })).toBe('forbidden');
    expect(await refusal(a.socket, 'private:reveal', {})).toBe('forbidden');
  });
});

describe('facilitator-only commands', () => {
  it('a participant’s token gets `forbidden` for each of them', async () => {
    const { gA, ana } = await room();
    const a = await session(ana.token);
    expect(await refusal(a.socket, 'message:send', { text: 'coucou' })).toBe('forbidden');
    expect(await refusal(a.socket, 'message:clear', {})).toBe('forbidden');
    expect(await refusal(a.socket, 'help:resolve', { groupId: gA })).toBe('forbidden');
    expect(await refusal(a.socket, 'focus:set', { target: { kind: 'group', groupId: gA } })).toBe(
      'forbidden',
    );
    expect(await refusal(a.socket, 'private:set', { on: false })).toBe('forbidden');
    expect(await refusal(a.socket, 'private:reveal', {})).toBe('forbidden');
  });
});

describe('default durations per phase', () => {
  async function info(code: string): Promise<WorkshopInfo> {
    const res = await fetch(`${srv.url}/api/workshops/${code}`);
    expect(res.status).toBe(200);
    return (await res.json()) as WorkshopInfo;
  }

  it('a workshop created from a template keeps its steps; another has the usual day', async () => {
    const plain = await createWorkshop(srv.url);
    expect((await info(plain.code)).steps).toEqual(
      DEFAULT_STEPS.map(({ phase, minutes }) => ({ phase, minutes })),
    );
    const templates = (await (await fetch(`${srv.url}/api/templates/world-cafe`)).json()) as {
      steps: { phase: string; minutes: number | null }[];
    };
    const res = await fetch(`${srv.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'world-cafe', title: 'Café' }),
    });
    expect(res.status).toBe(201);
    const cafe = (await res.json()) as { code: string };
    const steps = (await info(cafe.code)).steps;
    expect(steps).toEqual(templates.steps.map(({ phase, minutes }) => ({ phase, minutes })));
    expect(steps).not.toEqual(DEFAULT_STEPS.map(({ phase, minutes }) => ({ phase, minutes })));
  });
});
