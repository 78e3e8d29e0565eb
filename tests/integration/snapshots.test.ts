// Snapshots: saved by hand and at phase changes, read, compared, restored onto a live board that
// connected clients converge to without a reload, and forked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardComparison } from '../../shared/compare.js';
import { readItems, readRecommendations, recommendationsMap } from '../../shared/doc.js';
import type { BoardExport } from '../../shared/export.js';
import { groupDocName, PLENARY_DOC } from '../../shared/ids.js';
import { replaceText } from '../../shared/doc.js';
import type * as Y from 'yjs';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced } from '../helpers/clients.js';
import { ok, openSession, writeItems, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

async function call<T>(
  method: string,
  path: string,
  key: string | null,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, data: (await res.json()) as T };
}

/** A workshop with two groups, a member in each, two recommendations in A and one in B, an item. */
async function board() {
  const w = await createWorkshop(srv.url, {
    title: 'Atelier instantanés',
    groups: ['A', 'B'],
    voteBudget: 3,
  });
  const [gA, gB] = [w.groups[0]!.id, w.groups[1]!.id];
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: gA });
  const bob = await joinWorkshop(srv.url, w.code, { name: 'Bob', groupId: gB });
  await writeRecommendations(srv.url, w.workshopId, gA, ana.token, bob.token, [
    { id: 'a1', title: 'Cartographier la ressource en eau' },
    { id: 'a2', title: 'Former les élus' },
  ]);
  await writeRecommendations(srv.url, w.workshopId, gB, bob.token, ana.token, [
    { id: 'b1', title: 'Réseau de voisins' },
  ]);
  await writeItems(srv.url, w.workshopId, w.facilitatorKey, ana.token, [
    { id: 'i1', title: 'L’eau', sources: [`${gA}/a1`, `${gB}/b1`] },
  ]);
  return { w, gA, gB, ana, bob };
}

describe('snapshots', () => {
  it('a snapshot saved by hand is listed with its label and holds the whole board', async () => {
    const { w, gA } = await board();
    const saved = await call<{ snapshotId: string; label: string; createdAt: number }>(
      'POST',
      `/api/workshops/${w.workshopId}/snapshots`,
      w.facilitatorKey,
      { label: 'Fin de la rédaction' },
    );
    expect(saved.status).toBe(201);
    expect(saved.data.label).toBe('Fin de la rédaction');
    expect(typeof saved.data.createdAt).toBe('number');

    const list = await call<{ snapshotId: string; label: string }[]>(
      'GET',
      `/api/workshops/${w.workshopId}/snapshots`,
      w.facilitatorKey,
    );
    expect(list.data.map((s) => s.label)).toContain('Fin de la rédaction');

    const snap = await call<BoardExport>(
      'GET',
      `/api/workshops/${w.workshopId}/snapshots/${saved.data.snapshotId}`,
      w.facilitatorKey,
    );
    expect(snap.status).toBe(200);
    expect(snap.data.format).toBe('atelier.workshop');
    expect(
      snap.data.groups
        .find((g) => g.id === gA)!
        .recommendations.map((r) => r.title)
        .sort(),
    ).toEqual(['Cartographier la ressource en eau', 'Former les élus']);
    expect(snap.data.items.map((i) => i.title)).toEqual(['L’eau']);
    expect(snap.data.participants.map((p) => p.name).sort()).toEqual(['Ana', 'Bob']);
    expect(snap.data.workshop.phase).toBe('lobby');
  });

  it('every phase change saves a snapshot on its own', async () => {
    const { w } = await board();
    const fac = await openSession(srv.url, w.facilitatorKey);
    await ok(fac.socket, 'phase:set', { phase: 'write' });
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    const labels = await waitFor(async () => {
      const list = await call<{ label: string }[]>(
        'GET',
        `/api/workshops/${w.workshopId}/snapshots`,
        w.facilitatorKey,
      );
      const l = list.data.map((s) => s.label);
      return l.length >= 2 ? l : null;
    });
    expect(labels).toEqual(['Accueil → Rédaction', 'Rédaction → Vote']);
    fac.socket.disconnect();
  });

  it('a restore while two clients are connected converges both to the snapshot, votes and phase included', async () => {
    const { w, gA, ana, bob } = await board();
    const fac = await openSession(srv.url, w.facilitatorKey);
    const anaSession = await openSession(srv.url, ana.token);
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    await ok(anaSession.socket, 'vote:cast', { targetId: `${gA}/a1`, delta: 1 });
    const saved = await call<{ snapshotId: string }>(
      'POST',
      `/api/workshops/${w.workshopId}/snapshots`,
      w.facilitatorKey,
      {
        label: 'Avant',
      },
    );

    // Two people keep working: Ana edits a title and withdraws a card, Bob watches; a dot moves.
    const anaDoc = connectDoc(srv.url, w.workshopId, groupDocName(gA), ana.token);
    const bobDoc = connectDoc(srv.url, w.workshopId, groupDocName(gA), bob.token);
    await Promise.all([synced(anaDoc), synced(bobDoc)]);
    const a1 = recommendationsMap(anaDoc.doc).get('a1')!;
    replaceText(a1.get('title') as Y.Text, 'Titre changé');
    recommendationsMap(anaDoc.doc).delete('a2');
    await ok(anaSession.socket, 'vote:cast', { targetId: `${gA}/a1`, delta: 1 });
    await ok(fac.socket, 'phase:set', { phase: 'merge' });
    await waitFor(() => readRecommendations(bobDoc.doc).length === 1, {
      message: 'Bob sees the withdrawal',
    });

    const restored = await call<{ restored: string; savedBefore: { label: string } }>(
      'POST',
      `/api/workshops/${w.workshopId}/snapshots/${saved.data.snapshotId}/restore`,
      w.facilitatorKey,
    );
    expect(restored.status).toBe(200);
    expect(restored.data.savedBefore.label).toBe('Avant la restauration de « Avant »');

    const expected = ['Cartographier la ressource en eau', 'Former les élus'];
    for (const client of [anaDoc, bobDoc]) {
      await waitFor(
        () =>
          JSON.stringify(
            readRecommendations(client.doc)
              .map((r) => r.title)
              .sort(),
          ) === JSON.stringify(expected),
        { message: 'client converged to the snapshot' },
      );
    }
    await waitFor(() => fac.state.at(-1)?.phase === 'vote', { message: 'phase restored' });
    await waitFor(() => anaSession.mine.at(-1)?.remaining === 2, { message: 'dots restored' });
    expect(anaSession.mine.at(-1)?.votes).toEqual({ [`${gA}/a1`]: 1 });
    anaDoc.destroy();
    bobDoc.destroy();
    fac.socket.disconnect();
    anaSession.socket.disconnect();
  });

  it('compare tells what was added, changed, withdrawn, merged, and how totals moved', async () => {
    const { w, gA, gB, ana, bob } = await board();
    const fac = await openSession(srv.url, w.facilitatorKey);
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    const first = await call<{ snapshotId: string }>(
      'POST',
      `/api/workshops/${w.workshopId}/snapshots`,
      w.facilitatorKey,
      {
        label: 'Un',
      },
    );
    const anaSession = await openSession(srv.url, ana.token);
    await ok(anaSession.socket, 'vote:cast', { targetId: `${gA}/a1`, delta: 1 });
    await ok(anaSession.socket, 'vote:cast', { targetId: `${gA}/a1`, delta: 1 });
    // Cards hold still for participants while the group votes (1.1): they edit after it.
    await ok(fac.socket, 'phase:set', { phase: 'merge' });
    const doc = connectDoc(srv.url, w.workshopId, groupDocName(gA), ana.token);
    const plenary = connectDoc(srv.url, w.workshopId, PLENARY_DOC, w.facilitatorKey);
    await Promise.all([synced(doc), synced(plenary)]);
    replaceText(
      recommendationsMap(doc.doc).get('a2')!.get('title') as Y.Text,
      'Former les élus et les agents',
    );
    const items = plenary.doc.getMap('items');
    const sources = (items.get('i1') as Y.Map<unknown>).get('sources') as Y.Array<string>;
    sources.delete(1, 1);
    await writeRecommendations(srv.url, w.workshopId, gB, bob.token, ana.token, [
      { id: 'b2', title: 'Jardins partagés' },
    ]);
    await waitFor(async () => {
      const cmp = await call<BoardComparison>(
        'GET',
        `/api/workshops/${w.workshopId}/compare?from=${first.data.snapshotId}&to=now`,
        w.facilitatorKey,
      );
      return cmp.data.items.resourced.length === 1 && cmp.data.recommendations.changed.length === 1;
    });
    const cmp = await call<BoardComparison>(
      'GET',
      `/api/workshops/${w.workshopId}/compare?from=${first.data.snapshotId}`,
      w.facilitatorKey,
    );
    expect(cmp.status).toBe(200);
    expect(cmp.data.recommendations.added.map((r) => r.title)).toEqual(['Jardins partagés']);
    expect(cmp.data.recommendations.changed.map((r) => [r.before.title, r.after.title])).toEqual([
      ['Former les élus', 'Former les élus et les agents'],
    ]);
    expect(cmp.data.items.resourced).toEqual([
      { id: 'i1', title: 'L’eau', added: [], removed: [`${gB}/b1`] },
    ]);
    expect(cmp.data.totals).toContainEqual({
      targetId: `${gA}/a1`,
      title: 'Cartographier la ressource en eau',
      before: 0,
      after: 2,
    });
    expect(cmp.data.same).toBe(false);
    doc.destroy();
    plenary.destroy();
    fac.socket.disconnect();
    anaSession.socket.disconnect();
  });

  it('a fork is a new workshop holding the snapshot', async () => {
    const { w } = await board();
    const saved = await call<{ snapshotId: string }>(
      'POST',
      `/api/workshops/${w.workshopId}/snapshots`,
      w.facilitatorKey,
      {
        label: 'À dupliquer',
      },
    );
    const fork = await call<{ workshopId: string; code: string; facilitatorKey: string }>(
      'POST',
      `/api/workshops/${w.workshopId}/snapshots/${saved.data.snapshotId}/fork`,
      w.facilitatorKey,
    );
    expect(fork.status).toBe(201);
    expect(fork.data.workshopId).not.toBe(w.workshopId);
    const exported = await call<BoardExport>(
      'GET',
      `/api/workshops/${fork.data.workshopId}/export`,
      fork.data.facilitatorKey,
    );
    expect(exported.data.workshop.title).toBe('Atelier instantanés');
    expect(exported.data.groups.map((g) => g.recommendations.length)).toEqual([2, 1]);
    expect(
      exported.data.items[0]!.sources.every((s) =>
        exported.data.groups.some((g) => s.startsWith(`${g.id}/`)),
      ),
    ).toBe(true);
  });
});

describe('snapshots refuse what they must', () => {
  it('another workshop’s snapshot, an unknown one, or a call without the right key get clear errors and change nothing', async () => {
    const one = await board();
    const two = await board();
    const saved = await call<{ snapshotId: string }>(
      'POST',
      `/api/workshops/${one.w.workshopId}/snapshots`,
      one.w.facilitatorKey,
      {
        label: 'Un',
      },
    );
    const id = saved.data.snapshotId;
    const other = await call<{ error: { code: string } }>(
      'GET',
      `/api/workshops/${two.w.workshopId}/snapshots/${id}`,
      two.w.facilitatorKey,
    );
    expect([other.status, other.data.error.code]).toEqual([404, 'not_found']);
    const unknown = await call<{ error: { code: string } }>(
      'GET',
      `/api/workshops/${one.w.workshopId}/snapshots/nope`,
      one.w.facilitatorKey,
    );
    expect([unknown.status, unknown.data.error.code]).toEqual([404, 'not_found']);
    const noKey = await call<{ error: { code: string } }>(
      'POST',
      `/api/workshops/${one.w.workshopId}/snapshots/${id}/restore`,
      null,
    );
    expect([noKey.status, noKey.data.error.code]).toEqual([401, 'unauthorized']);
    const participant = await call<{ error: { code: string } }>(
      'POST',
      `/api/workshops/${one.w.workshopId}/snapshots/${id}/restore`,
      one.ana.token,
    );
    expect([participant.status, participant.data.error.code]).toEqual([403, 'forbidden']);
    const otherKey = await call<{ error: { code: string } }>(
      'POST',
      `/api/workshops/${one.w.workshopId}/snapshots/${id}/restore`,
      two.w.facilitatorKey,
    );
    expect([otherKey.status, otherKey.data.error.code]).toEqual([403, 'forbidden']);
    const badLabel = await call<{ error: { code: string; field: string } }>(
      'POST',
      `/api/workshops/${one.w.workshopId}/snapshots`,
      one.w.facilitatorKey,
      { label: '' },
    );
    expect([badLabel.status, badLabel.data.error.field]).toEqual([400, 'label']);
    // Nothing changed: only the one snapshot exists, the board is as it was.
    const list = await call<unknown[]>(
      'GET',
      `/api/workshops/${one.w.workshopId}/snapshots`,
      one.w.facilitatorKey,
    );
    expect(list.data).toHaveLength(1);
    const doc = connectDoc(srv.url, one.w.workshopId, PLENARY_DOC, one.ana.token);
    await synced(doc);
    expect(readItems(doc.doc).map((i) => i.title)).toEqual(['L’eau']);
    doc.destroy();
  });
});
