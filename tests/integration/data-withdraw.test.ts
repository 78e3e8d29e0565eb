// Personal data (issue 15): a participant withdraws their name and words with their own token
// (DELETE /api/workshops/:workshopId/participants/me, {cards: 'anonymise' | 'remove'}), and the
// information notice shown at join time (notice and retentionDays on GET /api/workshops/:code,
// set at creation, changed with PATCH /api/workshops/:workshopId). Real server, real clients.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import type { BoardExport } from '../../shared/export.js';
import { groupDocName } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult, WorkshopInfo } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, connectSocket, synced, type YClient } from '../helpers/clients.js';
import { ok, sessionPool, writeItems } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
const { session, closeAll } = sessionPool(() => srv.url);
const docs: YClient[] = [];
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  closeAll();
  for (const d of docs.splice(0)) d.destroy();
  await srv.stop();
});

interface Room {
  w: CreateWorkshopResult;
  groupA: string;
  ana: JoinResult;
  bea: JoinResult;
}

/** Ana and Béa in group A; each writes one card signed with their own participant id. */
async function room(anaCard: string): Promise<Room> {
  const w = await createWorkshop(srv.url, { title: 'Données', groups: ['A', 'B'], voteBudget: 5 });
  const groupA = w.groups[0]!.id;
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana-4d7e', groupId: groupA });
  const bea = await joinWorkshop(srv.url, w.code, { name: 'Béa', groupId: groupA });
  const writer = connectDoc(srv.url, w.workshopId, groupDocName(groupA), ana.token);
  const observer = connectDoc(srv.url, w.workshopId, groupDocName(groupA), w.facilitatorKey);
  docs.push(writer, observer);
  await Promise.all([synced(writer), synced(observer)]);
  addRecommendation(writer.doc, {
    id: 'r1',
    title: anaCard,
    body: 'détails',
    authorId: ana.participantId,
    createdAt: 1,
  });
  addRecommendation(writer.doc, {
    id: 'r2',
    title: 'Carte de Béa',
    body: '',
    authorId: bea.participantId,
    createdAt: 2,
  });
  await waitFor(() => readRecommendations(observer.doc).length === 2, { message: 'cards relayed' });
  writer.destroy();
  observer.destroy();
  return { w, groupA, ana, bea };
}

function withdraw(workshopId: string, token: string | null, body: unknown): Promise<Response> {
  return fetch(`${srv.url}/api/workshops/${workshopId}/participants/me`, {
    method: 'DELETE',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}

async function exported(r: Room): Promise<BoardExport> {
  const res = await fetch(`${srv.url}/api/workshops/${r.w.workshopId}/export?format=json`, {
    headers: { authorization: `Bearer ${r.w.facilitatorKey}` },
  });
  return (await res.json()) as BoardExport;
}

async function saveSnapshot(r: Room): Promise<string> {
  const res = await fetch(`${srv.url}/api/workshops/${r.w.workshopId}/snapshots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${r.w.facilitatorKey}` },
    body: JSON.stringify({ label: 'Avant retrait' }),
  });
  return ((await res.json()) as { snapshotId: string }).snapshotId;
}

async function snapshotCount(r: Room): Promise<number> {
  const res = await fetch(`${srv.url}/api/workshops/${r.w.workshopId}/snapshots`, {
    headers: { authorization: `Bearer ${r.w.facilitatorKey}` },
  });
  return ((await res.json()) as unknown[]).length;
}

async function snapshot(r: Room, id: string): Promise<BoardExport> {
  const res = await fetch(`${srv.url}/api/workshops/${r.w.workshopId}/snapshots/${id}`, {
    headers: { authorization: `Bearer ${r.w.facilitatorKey}` },
  });
  return (await res.json()) as BoardExport;
}

/** Every total of an export recounted from its dots: what "the report's totals stay valid" means. */
function expectTotalsMatchDots(board: BoardExport): void {
  const tallies = new Map<string, number>();
  for (const v of board.votes) tallies.set(v.targetId, (tallies.get(v.targetId) ?? 0) + v.count);
  for (const g of board.groups)
    for (const rec of g.recommendations)
      expect(rec.votes).toBe(tallies.get(`${g.id}/${rec.id}`) ?? 0);
  for (const item of board.items) {
    expect(item.votes).toBe(tallies.get(`plenary/${item.id}`) ?? 0);
    expect(item.sourcesVotes).toBe(
      item.sources.reduce((sum, ref) => sum + (tallies.get(ref) ?? 0), 0),
    );
  }
}

/** Rows of the database (of one workshop, or all) that hold this text, in participants and snapshots. */
function rowsHolding(text: string, workshopId?: string): number {
  const db = new Database(srv.config.databaseFile, { readonly: true });
  try {
    const like = `%${text}%`;
    const scope = workshopId ? ' AND workshop_id = ?' : '';
    const args = workshopId ? [like, workshopId] : [like];
    const n = (sql: string) => (db.prepare(sql + scope).get(...args) as { n: number }).n;
    return (
      n('SELECT count(*) AS n FROM participants WHERE name LIKE ?') +
      n('SELECT count(*) AS n FROM snapshots WHERE data LIKE ?')
    );
  } finally {
    db.close();
  }
}

describe('a participant withdraws their name and words', () => {
  it('anonymise: their name, dots and token go; their cards stay without author, in the live board and the snapshots; the totals are those of the dots left', async () => {
    const r = await room('Idée d’Ana');
    const facilitator = await session(r.w.facilitatorKey);
    const ana = await session(r.ana.token);
    const bea = await session(r.bea.token);
    await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
    const a1 = `${r.groupA}/r1`;
    const a2 = `${r.groupA}/r2`;
    await ok(ana.socket, 'vote:cast', { targetId: a2, delta: 1 });
    await ok(ana.socket, 'vote:cast', { targetId: a2, delta: 1 });
    await ok(bea.socket, 'vote:cast', { targetId: a1, delta: 1 });
    await ok(bea.socket, 'vote:cast', { targetId: a2, delta: 1 });
    const before = await exported(r);
    expect(before.groups[0]!.recommendations.map((rec) => rec.votes)).toEqual([1, 3]);
    const snapshotId = await saveSnapshot(r);
    // Her row and every snapshot (saved by hand, or at each phase change) hold her name.
    const snapshots = await snapshotCount(r);
    expect(rowsHolding('Ana-4d7e')).toBe(1 + snapshots);

    const res = await withdraw(r.w.workshopId, r.ana.token, { cards: 'anonymise' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cards: 1, snapshots });

    const after = await exported(r);
    expect(after.participants.map((p) => p.name)).toEqual(['Béa']);
    expect(
      after.groups[0]!.recommendations.map((rec) => [rec.title, rec.authorId, rec.votes]),
    ).toEqual([
      ['Idée d’Ana', '', 1],
      ['Carte de Béa', r.bea.participantId, 1],
    ]);
    expect(after.votes.every((v) => v.participantId === r.bea.participantId)).toBe(true);
    expectTotalsMatchDots(after);

    const saved = await snapshot(r, snapshotId);
    expect(saved.participants.map((p) => p.name)).toEqual(['Béa']);
    expect(JSON.stringify(saved)).not.toContain(r.ana.participantId);
    expect(saved.groups[0]!.recommendations.map((rec) => rec.votes)).toEqual([1, 1]);
    expectTotalsMatchDots(saved);
    expect(rowsHolding('Ana-4d7e')).toBe(0);

    // Their token opens nothing any more, on any channel.
    await waitFor(() => !ana.socket.connected, { message: 'socket closed' });
    const again = connectSocket(srv.url, r.ana.token);
    const refused = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
      again.on('connect_error', resolve),
    );
    again.disconnect();
    expect(refused.data?.code).toBe('unauthorized');
    expect((await withdraw(r.w.workshopId, r.ana.token, { cards: 'anonymise' })).status).toBe(401);
    closeAll();
  });

  it('remove: their cards leave the live board and its stored history; others’ dots on them come back; a merged item of their cards alone goes, a mixed one keeps the others’', async () => {
    const secret = 'Carte-secrète-91b';
    const r = await room(secret);
    const facilitator = await session(r.w.facilitatorKey);
    const bea = await session(r.bea.token);
    const a1 = `${r.groupA}/r1`;
    const a2 = `${r.groupA}/r2`;
    await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
    await ok(bea.socket, 'vote:cast', { targetId: a1, delta: 1 });
    await ok(bea.socket, 'vote:cast', { targetId: a1, delta: 1 });
    await ok(bea.socket, 'vote:cast', { targetId: a2, delta: 1 });
    await ok(facilitator.socket, 'phase:set', { phase: 'merge' });
    await writeItems(srv.url, r.w.workshopId, r.w.facilitatorKey, r.bea.token, [
      { id: 'solo', title: 'Reprise de la carte d’Ana', sources: [a1] },
      { id: 'mixed', title: 'Synthèse', sources: [a1, a2] },
    ]);
    const live = connectDoc(srv.url, r.w.workshopId, groupDocName(r.groupA), r.bea.token);
    docs.push(live);
    await synced(live);
    const snapshotId = await saveSnapshot(r);

    const res = await withdraw(r.w.workshopId, r.ana.token, { cards: 'remove' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cards: 1, snapshots: await snapshotCount(r) });

    // Béa's laptop sees the card go, and her two dots on it come back to her.
    await waitFor(() => readRecommendations(live.doc).length === 1, { message: 'card gone live' });
    await waitFor(() => bea.mine.at(-1)?.remaining === 4, { message: 'dots returned' });

    const after = await exported(r);
    expect(after.groups[0]!.recommendations.map((rec) => rec.id)).toEqual(['r2']);
    expect(after.items.map((item) => [item.id, item.sources, item.sourcesVotes])).toEqual([
      ['mixed', [a2], 1],
    ]);
    expect(after.votes).toEqual([
      { participantId: r.bea.participantId, phase: 'vote', targetId: a2, count: 1 },
    ]);
    expectTotalsMatchDots(after);

    const saved = await snapshot(r, snapshotId);
    expect(JSON.stringify(saved)).not.toContain(secret);
    expect(saved.items.map((item) => item.id)).toEqual(['mixed']);
    expectTotalsMatchDots(saved);

    // The stored history holds the card's words no more: the log was folded into a state
    // without them (deleted text is collected), and that state loads without the card.
    const stored = await srv.server.store.loadDoc(r.w.workshopId, groupDocName(r.groupA));
    const bytes = [stored.state, ...stored.updates].filter((b): b is Uint8Array => b !== null);
    for (const b of bytes) expect(Buffer.from(b).includes(Buffer.from(secret))).toBe(false);
    const reloaded = new Y.Doc();
    for (const b of bytes) Y.applyUpdate(reloaded, b);
    expect(readRecommendations(reloaded).map((rec) => rec.title)).toEqual(['Carte de Béa']);
    closeAll();
  });

  it('refuses what it must: no token 401, the facilitator key or another workshop’s token 403, a bad choice 400; nothing changes', async () => {
    const r = await room('Gardée');
    const other = await room('Ailleurs');
    expect((await withdraw(r.w.workshopId, null, { cards: 'remove' })).status).toBe(401);
    expect((await withdraw(r.w.workshopId, r.w.facilitatorKey, { cards: 'remove' })).status).toBe(
      403,
    );
    expect((await withdraw(r.w.workshopId, other.ana.token, { cards: 'remove' })).status).toBe(403);
    const bad = await withdraw(r.w.workshopId, r.ana.token, { cards: 'everything' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_payload');
    const board = await exported(r);
    expect(board.participants.map((p) => p.name)).toEqual(['Ana-4d7e', 'Béa']);
    expect(board.groups[0]!.recommendations.map((rec) => rec.authorId)).toEqual([
      r.ana.participantId,
      r.bea.participantId,
    ]);
  });
});

describe('the facilitator removes a participant', () => {
  it('their name leaves the snapshots saved before; their cards and dots stay there as the room saw them', async () => {
    const r = await room('Carte gardée');
    const facilitator = await session(r.w.facilitatorKey);
    const ana = await session(r.ana.token);
    await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
    await ok(ana.socket, 'vote:cast', { targetId: `${r.groupA}/r2`, delta: 1 });
    const snapshotId = await saveSnapshot(r);
    const before = await snapshot(r, snapshotId);

    const res = await fetch(
      `${srv.url}/api/workshops/${r.w.workshopId}/participants/${r.ana.participantId}`,
      { method: 'DELETE', headers: { authorization: `Bearer ${r.w.facilitatorKey}` } },
    );
    expect(res.status).toBe(204);
    expect(rowsHolding('Ana-4d7e', r.w.workshopId)).toBe(0);
    const saved = await snapshot(r, snapshotId);
    expect(saved.participants.map((p) => [p.id, p.name])).toEqual([
      [r.ana.participantId, '—'],
      [r.bea.participantId, 'Béa'],
    ]);
    expect(saved.votes).toEqual(before.votes);
    expect(saved.groups).toEqual(before.groups);
    closeAll();
  });
});

describe('the information notice shown at join time', () => {
  const info = async (code: string) =>
    (await (await fetch(`${srv.url}/api/workshops/${code}`)).json()) as WorkshopInfo;
  const patch = (workshopId: string, key: string, body: unknown) =>
    fetch(`${srv.url}/api/workshops/${workshopId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });

  it('carries the retention and the organiser’s notice: set at creation, changed and reset by the facilitator only, within 2000 characters', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Avec notice',
      groups: ['A'],
      notice: 'La mairie collecte vos prénoms.',
    });
    expect(await info(w.code)).toMatchObject({
      notice: 'La mairie collecte vos prénoms.',
      retentionDays: 90,
    });
    const plain = await createWorkshop(srv.url, { title: 'Sans notice', groups: ['A'] });
    expect(await info(plain.code)).toMatchObject({ notice: null, retentionDays: 90 });

    const changed = await patch(w.workshopId, w.facilitatorKey, { notice: '  Nouveau texte.  ' });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ notice: 'Nouveau texte.' });
    expect((await info(w.code)).notice).toBe('Nouveau texte.');

    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana' });
    expect((await patch(w.workshopId, ana.token, { notice: 'pirate' })).status).toBe(403);
    expect((await patch(w.workshopId, plain.facilitatorKey, { notice: 'pirate' })).status).toBe(
      403,
    );
    expect((await patch(w.workshopId, w.facilitatorKey, { notice: 'x'.repeat(2001) })).status).toBe(
      400,
    );
    expect((await patch(w.workshopId, w.facilitatorKey, { title: 'autre' })).status).toBe(400);
    const tooLong = await fetch(`${srv.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', groups: ['A'], notice: 'x'.repeat(2001) }),
    });
    expect(tooLong.status).toBe(400);
    expect((await info(w.code)).notice).toBe('Nouveau texte.');

    expect((await patch(w.workshopId, w.facilitatorKey, { notice: null })).status).toBe(200);
    expect((await info(w.code)).notice).toBeNull();
  });
});
