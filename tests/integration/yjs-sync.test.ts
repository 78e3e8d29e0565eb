import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

describe('Yjs documents over the y-websocket protocol', () => {
  it('two members of a group converge on the group document, character by character', async () => {
    const w = await createWorkshop(srv.url);
    const groupId = w.groups[0]!.id;
    const a = await joinWorkshop(srv.url, w.code, { name: 'Camille', groupId });
    const b = await joinWorkshop(srv.url, w.code, { name: 'Louis', groupId });
    const ca = connectDoc(srv.url, w.workshopId, groupDocName(groupId), a.token);
    const cb = connectDoc(srv.url, w.workshopId, groupDocName(groupId), b.token);
    await Promise.all([synced(ca), synced(cb)]);

    const entry = addRecommendation(ca.doc, {
      id: 'r1',
      title: 'Cartographier',
      body: '',
      authorId: a.participantId,
      createdAt: 1,
    });
    await waitFor(() => readRecommendations(cb.doc)[0]?.title === 'Cartographier');
    (entry.get('title') as Y.Text).insert(0, 'A ');
    const remote = cb.doc.getMap('recommendations').get('r1') as Y.Map<unknown>;
    (remote.get('title') as Y.Text).insert(13 + 0, ' la ressource');
    await waitFor(
      () =>
        readRecommendations(ca.doc)[0]?.title === readRecommendations(cb.doc)[0]?.title &&
        readRecommendations(ca.doc)[0]!.title.length === 'A Cartographier la ressource'.length,
    );
    expect(readRecommendations(ca.doc)[0]!.title).toBe('A Cartographier la ressource');
    ca.destroy();
    cb.destroy();
  });
});
