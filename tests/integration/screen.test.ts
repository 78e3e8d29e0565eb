// The projection screen's read-only key: reads the boards and the state, writes and votes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addItem, readItems } from '../../shared/doc.js';
import { groupDocName, PLENARY_DOC } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced } from '../helpers/clients.js';
import {
  ok,
  openSession,
  record,
  refusal,
  writeItems,
  writeRecommendations,
} from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

async function screenKey(workshopId: string, key: string): Promise<string> {
  const res = await fetch(`${srv.url}/api/workshops/${workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { screenKey: string }).screenKey;
}

describe('the projection screen key', () => {
  it('reads the plenary board and the workshop state but writes nothing and votes nothing', async () => {
    const w = await createWorkshop(srv.url);
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    await writeItems(srv.url, w.workshopId, w.facilitatorKey, ana.token, [
      { id: 'i1', title: 'Visible' },
    ]);
    const key = await screenKey(w.workshopId, w.facilitatorKey);

    const screen = connectDoc(srv.url, w.workshopId, PLENARY_DOC, key);
    await synced(screen);
    expect(readItems(screen.doc).map((i) => i.title)).toEqual(['Visible']);
    addItem(screen.doc, { id: 'forged', title: 'Forgé', body: '', sources: [], createdAt: 9 });
    // A participant connecting afterwards sees only the facilitator's item.
    const watcher = connectDoc(srv.url, w.workshopId, PLENARY_DOC, ana.token);
    await synced(watcher);
    await writeItems(srv.url, w.workshopId, w.facilitatorKey, ana.token, [
      { id: 'i2', title: 'Après' },
    ]);
    await waitFor(() => readItems(watcher.doc).length === 2);
    expect(readItems(watcher.doc).map((i) => i.id)).toEqual(['i1', 'i2']);

    const group = connectDoc(srv.url, w.workshopId, groupDocName(w.groups[0]!.id), key);
    await synced(group);

    const session = await openSession(srv.url, key);
    expect(session.whoami[0]).toEqual({ role: 'viewer', workshopId: w.workshopId });
    expect(session.state.at(-1)?.participants.map((p) => p.name)).toEqual(['Ana']);
    expect(await refusal(session.socket, 'phase:set', { phase: 'write' })).toBe('forbidden');
    const fac = await openSession(srv.url, w.facilitatorKey);
    await ok(fac.socket, 'phase:set', { phase: 'prioritise' });
    expect(await refusal(session.socket, 'vote:cast', { targetId: 'plenary/i1', delta: 1 })).toBe(
      'forbidden',
    );
    // Tallies reach the screen only once revealed.
    expect(session.tally).toHaveLength(0);
    await ok(fac.socket, 'votes:reveal', { revealed: true });
    await waitFor(() => session.tally.length > 0, { message: 'tally after reveal' });

    for (const c of [screen, watcher, group]) c.destroy();
    session.socket.disconnect();
    fac.socket.disconnect();
  });

  it('the screen key is stable (a second console tab gets the same one), and only the facilitator gets it', async () => {
    const w = await createWorkshop(srv.url);
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana' });
    const first = await screenKey(w.workshopId, w.facilitatorKey);
    expect(await screenKey(w.workshopId, w.facilitatorKey)).toBe(first);
    expect(first).not.toBe(w.facilitatorKey);
    const doc = connectDoc(srv.url, w.workshopId, PLENARY_DOC, first);
    await synced(doc);
    doc.destroy();
    const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ana.token}` },
    });
    expect(res.status).toBe(403);
  });

  it('the screen sees how many have voted, never who', async () => {
    const w = await createWorkshop(srv.url, { title: 'Écran', groups: ['A'], voteBudget: 2 });
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana' });
    await writeRecommendations(
      srv.url,
      w.workshopId,
      w.groups[0]!.id,
      ana.token,
      w.facilitatorKey,
      [{ id: 'r1', title: 'Un' }],
    );
    const screen = await openSession(srv.url, await screenKey(w.workshopId, w.facilitatorKey));
    const progress = record(screen.socket, 'votes:progress');
    const fac = await openSession(srv.url, w.facilitatorKey);
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    const voter = await openSession(srv.url, ana.token);
    await ok(voter.socket, 'vote:cast', { targetId: `${w.groups[0]!.id}/r1`, delta: 1 });
    await waitFor(() => progress.at(-1)?.total === 1, { message: 'progress on the screen' });
    expect(JSON.stringify(progress)).not.toContain(ana.participantId);
    for (const s of [screen, fac, voter]) s.socket.disconnect();
  });
});
