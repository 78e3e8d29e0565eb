// The facilitator's HTTP calls of the contract over a whole board: snapshots (save, list, read,
// restore onto the live board), exports (json, md, csv) and merge suggestions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
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

async function call(
  method: string,
  path: string,
  key: string | null,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads its own shape
): Promise<{ status: number; contentType: string; text: string; json: any }> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: md and csv exports
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

interface Board {
  w: CreateWorkshopResult;
  ana: JoinResult;
  bruno: JoinResult;
  groupA: string;
  groupB: string;
}

/**
 * Two groups that each wrote about water storage (a merge candidate) and one unrelated idea;
 * Ana voted twice on her water idea, the facilitator merged both water ideas into one item.
 */
async function board(): Promise<Board> {
  const w = await createWorkshop(srv.url, {
    title: 'Résilience de l’eau',
    groups: ['Nord', 'Sud'],
    language: 'fr',
  });
  const groupA = w.groups[0]!.id;
  const groupB = w.groups[1]!.id;
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: groupA });
  const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: groupB });
  await writeRecommendations(srv.url, w.workshopId, groupA, ana.token, w.facilitatorKey, [
    { id: 'a1', title: 'Installer des cuves de récupération d’eau de pluie dans les écoles' },
    { id: 'a2', title: 'Organiser un festival de musique' },
  ]);
  await writeRecommendations(srv.url, w.workshopId, groupB, bruno.token, w.facilitatorKey, [
    { id: 'b1', title: 'Installer des cuves de récupération de l’eau de pluie dans chaque école' },
  ]);
  const facilitator = await openSession(srv.url, w.facilitatorKey);
  const participant = await openSession(srv.url, ana.token);
  try {
    await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
    await ok(participant.socket, 'vote:cast', { targetId: `${groupA}/a1`, delta: 1 });
    await ok(participant.socket, 'vote:cast', { targetId: `${groupA}/a1`, delta: 1 });
    await ok(facilitator.socket, 'phase:set', { phase: 'merge' });
  } finally {
    facilitator.socket.disconnect();
    participant.socket.disconnect();
  }
  await writeItems(srv.url, w.workshopId, w.facilitatorKey, ana.token, [
    { id: 'i1', title: 'Récupérer l’eau de pluie', sources: [`${groupA}/a1`, `${groupB}/b1`] },
  ]);
  return { w, ana, bruno, groupA, groupB };
}

describe('who may call the facilitator routes', () => {
  it('without a key: 401; with a participant token or another workshop’s key: 403', async () => {
    const { w, ana } = await board();
    const other = await createWorkshop(srv.url);
    for (const path of ['/snapshots', '/export?format=json', '/suggestions']) {
      const url = `/api/workshops/${w.workshopId}${path}`;
      const none = await call('GET', url, null);
      expect(none.status, path).toBe(401);
      expect(none.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect((await call('GET', url, 'garbage-key')).status, path).toBe(401);
      expect((await call('GET', url, ana.token)).json?.error?.code, path).toBe('forbidden');
      expect((await call('GET', url, other.facilitatorKey)).status, path).toBe(403);
    }
    expect(
      (await call('POST', `/api/workshops/${w.workshopId}/snapshots`, ana.token, { label: 'x' }))
        .status,
    ).toBe(403);
  });
});

describe('snapshots', () => {
  it('a saved snapshot is listed and reads back as the board in the export format', async () => {
    const { w, groupA, groupB } = await board();
    const key = w.facilitatorKey;
    const before = Date.now();
    const saved = await call('POST', `/api/workshops/${w.workshopId}/snapshots`, key, {
      label: 'Après la fusion',
    });
    expect(saved.status).toBe(201);
    expect(saved.json).toMatchObject({ snapshotId: expect.any(String), label: 'Après la fusion' });
    expect(saved.json.createdAt).toBeGreaterThanOrEqual(before);

    const list = await call('GET', `/api/workshops/${w.workshopId}/snapshots`, key);
    expect(list.status).toBe(200);
    expect(list.json).toContainEqual(
      expect.objectContaining({
        snapshotId: saved.json.snapshotId,
        label: 'Après la fusion',
        createdAt: saved.json.createdAt,
      }),
    );

    const snapshot = await call(
      'GET',
      `/api/workshops/${w.workshopId}/snapshots/${saved.json.snapshotId}`,
      key,
    );
    expect(snapshot.status).toBe(200);
    expect(snapshot.json.workshop).toMatchObject({
      workshopId: w.workshopId,
      title: 'Résilience de l’eau',
      phase: 'merge',
    });
    const north = snapshot.json.groups.find((g: { id: string }) => g.id === groupA);
    expect(north.recommendations).toContainEqual(expect.objectContaining({ id: 'a1', votes: 2 }));
    expect(
      snapshot.json.groups.find((g: { id: string }) => g.id === groupB).recommendations,
    ).toContainEqual(expect.objectContaining({ id: 'b1', votes: 0 }));
    expect(snapshot.json.items).toEqual([
      expect.objectContaining({ id: 'i1', sources: [`${groupA}/a1`, `${groupB}/b1`] }),
    ]);
  });

  it('a snapshot label is required and limited, and the refusal names label', async () => {
    const { w } = await board();
    for (const body of [{}, { label: '' }, { label: 'x'.repeat(121) }]) {
      const answer = await call(
        'POST',
        `/api/workshops/${w.workshopId}/snapshots`,
        w.facilitatorKey,
        body,
      );
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({ code: 'invalid_payload', field: 'label' });
    }
  });

  it('an unknown snapshot answers 404 not_found', async () => {
    const { w } = await board();
    const answer = await call(
      'GET',
      `/api/workshops/${w.workshopId}/snapshots/nope`,
      w.facilitatorKey,
    );
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe('not_found');
    const restore = await call(
      'POST',
      `/api/workshops/${w.workshopId}/snapshots/nope/restore`,
      w.facilitatorKey,
    );
    expect(restore.status).toBe(404);
  });

  it('restoring a snapshot makes it the live board, and connected clients converge to it', async () => {
    const { w, ana, groupA } = await board();
    const key = w.facilitatorKey;
    const saved = await call('POST', `/api/workshops/${w.workshopId}/snapshots`, key, {
      label: 'Référence',
    });

    // After the snapshot: a new recommendation and an edited title, seen by a connected client.
    const editor = connectDoc(srv.url, w.workshopId, groupDocName(groupA), ana.token);
    const watcher = connectDoc(srv.url, w.workshopId, groupDocName(groupA), key);
    try {
      await Promise.all([synced(editor), synced(watcher)]);
      addRecommendation(editor.doc, {
        id: 'a3',
        title: 'Ajout tardif',
        body: '',
        authorId: 'x',
        createdAt: 9,
      });
      const a2 = editor.doc.getMap('recommendations').get('a2') as Y.Map<unknown>;
      (a2.get('title') as Y.Text).insert(0, 'Ne pas ');
      await waitFor(() => readRecommendations(watcher.doc).length === 3);

      const restored = await call(
        'POST',
        `/api/workshops/${w.workshopId}/snapshots/${saved.json.snapshotId}/restore`,
        key,
      );
      expect(restored.status).toBe(200);
      const expected = [
        'Installer des cuves de récupération d’eau de pluie dans les écoles',
        'Organiser un festival de musique',
      ];
      await waitFor(
        () =>
          JSON.stringify(readRecommendations(watcher.doc).map((r) => r.title)) ===
          JSON.stringify(expected),
        { message: 'watcher converged to the snapshot' },
      );
      await waitFor(
        () =>
          JSON.stringify(readRecommendations(editor.doc).map((r) => r.title)) ===
          JSON.stringify(expected),
        { message: 'editor converged to the snapshot' },
      );
    } finally {
      editor.destroy();
      watcher.destroy();
    }
    const exported = await call('GET', `/api/workshops/${w.workshopId}/export?format=json`, key);
    expect(exported.json.groups[0].recommendations.map((r: { id: string }) => r.id)).toEqual([
      'a1',
      'a2',
    ]);
  });
});

describe('exports', () => {
  it('the JSON export holds groups, recommendations with their vote totals, and merged items with sources and totals', async () => {
    const { w, groupA, groupB } = await board();
    const answer = await call(
      'GET',
      `/api/workshops/${w.workshopId}/export?format=json`,
      w.facilitatorKey,
    );
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    const data = answer.json;
    expect(data.groups.map((g: { id: string; name: string }) => [g.id, g.name])).toEqual([
      [groupA, 'Nord'],
      [groupB, 'Sud'],
    ]);
    const a1 = data.groups[0].recommendations.find((r: { id: string }) => r.id === 'a1');
    expect(a1).toMatchObject({
      title: 'Installer des cuves de récupération d’eau de pluie dans les écoles',
      votes: 2,
    });
    expect(data.items).toEqual([
      expect.objectContaining({
        id: 'i1',
        title: 'Récupérer l’eau de pluie',
        sources: [`${groupA}/a1`, `${groupB}/b1`],
        sourcesVotes: 2,
      }),
    ]);
  });

  it('the default format is JSON', async () => {
    const { w } = await board();
    const answer = await call('GET', `/api/workshops/${w.workshopId}/export`, w.facilitatorKey);
    expect(answer.status).toBe(200);
    expect(answer.json.workshop.workshopId).toBe(w.workshopId);
  });

  it('the Markdown and CSV exports carry the recommendations and items', async () => {
    const { w } = await board();
    const md = await call(
      'GET',
      `/api/workshops/${w.workshopId}/export?format=md`,
      w.facilitatorKey,
    );
    expect(md.status).toBe(200);
    expect(md.contentType).toMatch(/^text\/markdown/);
    expect(md.text).toContain('Résilience de l’eau');
    expect(md.text).toContain('Récupérer l’eau de pluie');
    expect(md.text).toContain('Organiser un festival de musique');
    const csv = await call(
      'GET',
      `/api/workshops/${w.workshopId}/export?format=csv`,
      w.facilitatorKey,
    );
    expect(csv.status).toBe(200);
    expect(csv.contentType).toMatch(/^text\/csv/);
    expect(csv.text).toContain('Organiser un festival de musique');
    expect(csv.text).toContain('Récupérer l’eau de pluie');
    expect(csv.text.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('an unknown format is refused with 400 naming format', async () => {
    const { w } = await board();
    const answer = await call(
      'GET',
      `/api/workshops/${w.workshopId}/export?format=pdf`,
      w.facilitatorKey,
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ code: 'invalid_payload', field: 'format' });
  });
});

describe('merge suggestions', () => {
  it('recommendations from different groups that say the same thing are suggested together, best first', async () => {
    const { w, groupA, groupB } = await board();
    const answer = await call(
      'GET',
      `/api/workshops/${w.workshopId}/suggestions`,
      w.facilitatorKey,
    );
    expect(answer.status).toBe(200);
    const suggestions = answer.json as { sources: string[]; score: number }[];
    expect(Array.isArray(suggestions)).toBe(true);
    expect(suggestions.length).toBeGreaterThan(0);
    for (const s of suggestions) {
      expect(typeof s.score).toBe('number');
      expect(s.sources.length).toBeGreaterThanOrEqual(2);
      // A suggestion joins different groups.
      expect(new Set(s.sources.map((ref) => ref.split('/')[0])).size).toBe(s.sources.length);
    }
    const scores = suggestions.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect([...suggestions[0]!.sources].sort()).toEqual([`${groupA}/a1`, `${groupB}/b1`].sort());
    expect(
      suggestions.some(
        (s) => s.sources.includes(`${groupA}/a2`) && s.sources.includes(`${groupB}/b1`),
      ),
    ).toBe(false);
  });
});
