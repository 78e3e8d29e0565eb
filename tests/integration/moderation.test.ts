// Moderation (issue 16), enforced by the server and seen through stock clients: a hidden card
// leaves every participant's and the projection's document (and fresh connections) for the
// facilitator's `moderation` document, and comes back on unhide; a blocked participant's edits
// and votes change nothing; profanity flags reach the facilitator only; in inbox mode the
// projection reads approved cards only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { hiddenMap, MODERATION_DOC } from '../../shared/moderation.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, connectSocket, handledBy, synced, type YClient } from '../helpers/clients.js';
import { ok, record, refusal, sessionPool } from '../helpers/realtime.js';
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
afterEach(() => {
  closeAll();
  for (const d of docs.splice(0)) d.destroy();
});

function open(w: CreateWorkshopResult, docName: string, token: string): YClient {
  const client = connectDoc(srv.url, w.workshopId, docName, token);
  docs.push(client);
  return client;
}

const titles = (client: YClient) => readRecommendations(client.doc).map((r) => r.title);

async function screenKeyOf(w: CreateWorkshopResult): Promise<string> {
  const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.facilitatorKey}` },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { screenKey: string }).screenKey;
}

async function setup(body: { moderation?: 'open' | 'inbox' } = {}) {
  const w = await createWorkshop(srv.url, { title: 'Modération', groups: ['A', 'B'], ...body });
  const groupId = w.groups[0]!.id;
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId });
  const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId });
  const cleo = await joinWorkshop(srv.url, w.code, { name: 'Cléo', groupId: w.groups[1]!.id });
  const writer = open(w, groupDocName(groupId), ana.token);
  await synced(writer);
  return { w, groupId, ana, bruno, cleo, writer };
}

function write(client: YClient, id: string, title: string, body = ''): void {
  addRecommendation(client.doc, { id, title, body, authorId: 'x', createdAt: Date.now() });
}

describe('hiding a card', () => {
  it('takes it out of every document a participant or the screen syncs, into the facilitator’s, and back', async () => {
    const { w, groupId, ana, cleo, writer } = await setup();
    write(writer, 'c1', 'Une carte à cacher');
    write(writer, 'c2', 'Une carte qui reste');
    const reader = open(w, groupDocName(groupId), cleo.token);
    const screen = open(w, groupDocName(groupId), await screenKeyOf(w));
    await waitFor(() => titles(reader).length === 2 && titles(screen).length === 2);

    // Ana's dots on the card come back when it is hidden, as a deleted card's do.
    const fac = await session(w.facilitatorKey);
    const anaSession = await session(ana.token);
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    await ok(anaSession.socket, 'vote:cast', { targetId: `${groupId}/c1`, delta: 1 });
    await ok(anaSession.socket, 'vote:cast', { targetId: `${groupId}/c1`, delta: 1 });
    const returned = record(anaSession.socket, 'votes:returned');

    expect(await ok(fac.socket, 'card:hide', { targetId: `${groupId}/c1`, hidden: true })).toEqual({
      targetId: `${groupId}/c1`,
      hidden: true,
    });
    await waitFor(() => titles(reader).length === 1 && titles(screen).length === 1);
    expect(titles(reader)).toEqual(['Une carte qui reste']);
    expect(titles(writer)).toEqual(['Une carte qui reste']);
    await waitFor(() => returned.length === 1);
    expect(returned[0]).toMatchObject({ targetId: `${groupId}/c1`, count: 2 });
    await waitFor(() => anaSession.mine.at(-1)?.remaining === 5);

    // A fresh connection never sees it either.
    const fresh = open(w, groupDocName(groupId), cleo.token);
    await synced(fresh);
    expect(titles(fresh)).toEqual(['Une carte qui reste']);

    // The facilitator's moderation document holds it, text and all.
    const mod = open(w, MODERATION_DOC, w.facilitatorKey);
    await synced(mod);
    const hidden = hiddenMap(mod.doc).get(`${groupId}/c1`);
    expect(hidden?.get('title')?.toString()).toBe('Une carte à cacher');

    // Hiding twice is harmless; unhiding brings it back with the same id and text.
    await ok(fac.socket, 'card:hide', { targetId: `${groupId}/c1`, hidden: true });
    await ok(fac.socket, 'phase:set', { phase: 'write' });
    await ok(fac.socket, 'card:hide', { targetId: `${groupId}/c1`, hidden: false });
    await waitFor(() => titles(reader).length === 2);
    expect(readRecommendations(reader.doc).find((r) => r.id === 'c1')?.title).toBe(
      'Une carte à cacher',
    );
    await waitFor(() => !hiddenMap(mod.doc).has(`${groupId}/c1`));
  });

  it('the moderation document and the commands are the facilitator’s only', async () => {
    const { w, groupId, ana } = await setup();
    for (const token of [ana.token, await screenKeyOf(w)]) {
      const client = open(w, MODERATION_DOC, token);
      await waitFor(() => client.closes.includes(4403), { message: '4403 on moderation' });
      client.provider.disconnect();
    }
    const s = await session(ana.token);
    expect(await refusal(s.socket, 'card:hide', { targetId: `${groupId}/x`, hidden: true })).toBe(
      'forbidden',
    );
    expect(
      await refusal(s.socket, 'participant:block', {
        participantId: ana.participantId,
        blocked: true,
      }),
    ).toBe('forbidden');
    const fac = await session(w.facilitatorKey);
    expect(await refusal(fac.socket, 'card:hide', { targetId: 'nope', hidden: true })).toBe(
      'invalid_payload',
    );
    expect(
      await refusal(fac.socket, 'card:hide', { targetId: `${groupId}/missing`, hidden: true }),
    ).toBe('not_found');
  });
});

describe('blocking a participant', () => {
  it('their edits and votes change nothing until unblocked', async () => {
    const { w, groupId, ana, bruno, writer } = await setup();
    write(writer, 'c1', 'Avant le blocage');
    const fac = await session(w.facilitatorKey);
    const brunoSession = await session(bruno.token);
    const brunoDoc = open(w, groupDocName(groupId), bruno.token);
    await synced(brunoDoc);
    await waitFor(() => titles(brunoDoc).length === 1);

    await ok(fac.socket, 'participant:block', {
      participantId: bruno.participantId,
      blocked: true,
    });
    await waitFor(() =>
      fac.state
        .at(-1)!
        .participants.some((p) => p.participantId === bruno.participantId && p.blocked),
    );
    // Their open connection was re-evaluated: it comes back, read-only.
    await waitFor(() => brunoDoc.closes.length > 0, { message: 'Bruno reconnected' });
    await waitFor(() => brunoDoc.provider.synced && brunoDoc.provider.wsconnected);
    write(brunoDoc, 'b1', 'Écrit bloqué');
    await handledBy(brunoDoc);
    const observer = open(w, groupDocName(groupId), ana.token);
    await synced(observer);
    expect(titles(observer)).toEqual(['Avant le blocage']);

    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    expect(
      await refusal(brunoSession.socket, 'vote:cast', { targetId: `${groupId}/c1`, delta: 1 }),
    ).toBe('forbidden');
    // Nobody else learns who is blocked.
    const anaSession = await session(ana.token);
    expect(JSON.stringify(anaSession.state.at(-1))).not.toContain('blocked');

    await ok(fac.socket, 'participant:block', {
      participantId: bruno.participantId,
      blocked: false,
    });
    await ok(brunoSession.socket, 'vote:cast', { targetId: `${groupId}/c1`, delta: 1 });
    await ok(fac.socket, 'phase:set', { phase: 'write' });
    const after = open(w, groupDocName(groupId), bruno.token);
    await synced(after);
    write(after, 'b2', 'Écrit débloqué');
    await waitFor(() => titles(observer).includes('Écrit débloqué'));
  });
});

describe('profanity flags', () => {
  it('reach the facilitator only, with the words, and leave the card where it is', async () => {
    const { w, groupId, ana, writer } = await setup();
    const fac = await session(w.facilitatorKey);
    const anaSession = await session(ana.token);
    const facFlags = record(fac.socket, 'moderation:flags');
    const anaFlags = record(anaSession.socket, 'moderation:flags');
    write(writer, 'c1', 'Cette idée est de la merde', 'et voilà');
    write(writer, 'c2', 'Une idée propre');
    await waitFor(() => facFlags.some((f) => f.flags.length === 1), { message: 'a flag' });
    expect(facFlags.at(-1)!.flags).toEqual([{ targetId: `${groupId}/c1`, words: ['merde'] }]);
    expect(titles(writer)).toHaveLength(2);
    // A facilitator who connects later gets the list at once.
    const late = connectSocket(srv.url, w.facilitatorKey);
    const lateFlags = record(late, 'moderation:flags');
    try {
      await waitFor(() => lateFlags.length > 0, { message: 'flags on connect' });
      expect(lateFlags[0]!.flags).toEqual([{ targetId: `${groupId}/c1`, words: ['merde'] }]);
    } finally {
      late.disconnect();
    }
    expect(anaFlags).toEqual([]);
  });
});

describe('inbox moderation', () => {
  it('the projection reads approved cards only; participants co-write as usual', async () => {
    const { w, groupId, cleo, writer } = await setup({ moderation: 'inbox' });
    write(writer, 'c1', 'Approuvée', 'Le corps');
    write(writer, 'c2', 'Pas encore');
    const reader = open(w, groupDocName(groupId), cleo.token);
    await waitFor(() => titles(reader).length === 2);

    const key = await screenKeyOf(w);
    const screenDoc = open(w, groupDocName(groupId), key);
    await waitFor(() => screenDoc.closes.includes(4403), { message: '4403 for the screen' });
    screenDoc.provider.disconnect();

    const screen = await session(key);
    const cards = record(screen.socket, 'screen:cards');
    expect(screen.state.at(-1)!.moderation).toBe('inbox');
    const fac = await session(w.facilitatorKey);
    await ok(fac.socket, 'card:approve', { targetId: `${groupId}/c1` });
    await waitFor(() => cards.some((c) => c.cards.length === 1));
    expect(cards.at(-1)!.cards).toEqual([
      { targetId: `${groupId}/c1`, groupId, title: 'Approuvée', body: 'Le corps' },
    ]);
    // Hiding an approved card takes it off the screen too.
    await ok(fac.socket, 'card:hide', { targetId: `${groupId}/c1`, hidden: true });
    await waitFor(() => cards.at(-1)!.cards.length === 0);
  });

  it('switching to inbox lets go of the screen’s group documents at once', async () => {
    const { w, groupId } = await setup();
    const key = await screenKeyOf(w);
    const screenDoc = open(w, groupDocName(groupId), key);
    await synced(screenDoc);
    const fac = await session(w.facilitatorKey);
    expect(await ok(fac.socket, 'workshop:settings', { moderation: 'inbox' })).toMatchObject({
      moderation: 'inbox',
    });
    await waitFor(() => screenDoc.closes.includes(4403), { message: 'screen refused' });
  });
});
