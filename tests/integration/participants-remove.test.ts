// Removing a participant (1.1): DELETE /api/workshops/:workshopId/participants/:participantId with
// the facilitator key. Their dots go (tallies re-sent), their cards stay, and their token is
// refused from then on on every channel: HTTP, Socket.IO (their sockets closed at once, with the
// reason) and Yjs (their connections closed, new ones refused). Real server, real clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecommendations } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import type { ServerToClientEvents } from '../../shared/protocol.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, connectSocket, synced } from '../helpers/clients.js';
import {
  ok,
  record,
  sessionPool,
  writeRecommendations,
  type Session,
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

const { session, closeAll } = sessionPool(() => srv.url);

interface Board {
  w: CreateWorkshopResult;
  groupA: string;
  ana: JoinResult;
  bea: JoinResult;
  facilitator: Session;
}

async function board(): Promise<Board> {
  const w = await createWorkshop(srv.url, { title: 'Retrait', groups: ['A', 'B'], voteBudget: 5 });
  const groupA = w.groups[0]!.id;
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: groupA });
  const bea = await joinWorkshop(srv.url, w.code, { name: 'Béa', groupId: groupA });
  await writeRecommendations(srv.url, w.workshopId, groupA, ana.token, w.facilitatorKey, [
    { id: 'r1', title: 'Écrite par Ana' },
    { id: 'r2', title: 'Une autre' },
  ]);
  const facilitator = await session(w.facilitatorKey);
  return { w, groupA, ana, bea, facilitator };
}

function remove(workshopId: string, participantId: string, key: string | null): Promise<Response> {
  return fetch(
    `${srv.url}/api/workshops/${workshopId}/participants/${encodeURIComponent(participantId)}`,
    {
      method: 'DELETE',
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
    },
  );
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe('removing a participant', () => {
  it('answers 204; their sockets are told and closed, their Yjs connections closed, and every channel refuses their token from then on', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    const removed = record(ana.socket, 'session:removed');
    const doc = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.ana.token);
    await synced(doc);
    // Before: a participant's token is known, just not a facilitator's (403).
    const exportUrl = `${srv.url}/api/workshops/${b.w.workshopId}/export?format=json`;
    const asAna = { headers: { authorization: `Bearer ${b.ana.token}` } };
    expect((await fetch(exportUrl, asAna)).status).toBe(403);

    const res = await remove(b.w.workshopId, b.ana.participantId, b.w.facilitatorKey);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    await waitFor(() => removed.length > 0 && !ana.socket.connected, {
      message: 'socket told and closed',
    });
    expect(removed).toEqual([{ reason: 'removed' }]);
    expect(await waitFor(() => doc.closes[0], { message: 'Yjs connection closed' })).toBe(4403);
    doc.destroy();

    // From now on: Yjs 4401, Socket.IO unauthorized at the handshake, HTTP 401.
    const again = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.ana.token);
    expect(await waitFor(() => again.closes[0], { message: 'Yjs refusal' })).toBe(4401);
    again.destroy();
    const socket = connectSocket(srv.url, b.ana.token);
    const refusal = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
      socket.on('connect_error', resolve),
    );
    socket.disconnect();
    expect(refusal.data?.code).toBe('unauthorized');
    const http = await fetch(exportUrl, asAna);
    expect(http.status).toBe(401);
    expect(await errorCode(http)).toBe('unauthorized');
    closeAll();
  });

  it('their dots are gone and the tallies re-sent; their cards stay; the state lists them no more', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    const bea = await session(b.bea.token);
    const deltaWatcher = await session(b.bea.token, { presence: 'delta' });
    await ok(b.facilitator.socket, 'phase:set', { phase: 'vote' });
    const a1 = `${b.groupA}/r1`;
    await ok(ana.socket, 'vote:cast', { targetId: a1, delta: 1 });
    await ok(ana.socket, 'vote:cast', { targetId: a1, delta: 1 });
    await ok(bea.socket, 'vote:cast', { targetId: a1, delta: 1 });
    await waitFor(() => b.facilitator.tally.find((t) => t.tallies[a1] === 3), {
      message: 'tally of 3',
    });
    const statesBefore = b.facilitator.state.length;
    const beaStatesBefore = deltaWatcher.state.length;

    expect((await remove(b.w.workshopId, b.ana.participantId, b.w.facilitatorKey)).status).toBe(
      204,
    );

    await waitFor(() => b.facilitator.tally.find((t) => t.tallies[a1] === 1), {
      message: 'tally of 1',
    });
    const listed = (
      states: Parameters<ServerToClientEvents['workshop:state']>[0][],
      from: number,
    ) =>
      states
        .slice(from)
        .find((s) => !s.participants.some((p) => p.participantId === b.ana.participantId));
    const state = await waitFor(() => listed(b.facilitator.state, statesBefore), {
      message: 'state without Ana',
    });
    expect(state.participants.map((p) => p.name)).toEqual(['Béa']);
    // A socket on presence deltas gets the whole state too: a delta cannot take an entry away.
    await waitFor(() => listed(deltaWatcher.state, beaStatesBefore), {
      message: 'delta socket state',
    });

    const exported = await fetch(`${srv.url}/api/workshops/${b.w.workshopId}/export?format=json`, {
      headers: { authorization: `Bearer ${b.w.facilitatorKey}` },
    });
    const data = (await exported.json()) as {
      votes: { participantId: string }[];
      participants: { id: string }[];
      groups: { recommendations: { id: string; authorId: string }[] }[];
    };
    expect(data.votes.map((v) => v.participantId)).toEqual([b.bea.participantId]);
    expect(data.participants.map((p) => p.id)).toEqual([b.bea.participantId]);
    expect(data.groups[0]!.recommendations.map((r) => r.id)).toEqual(['r1', 'r2']);
    const live = await srv.server.rooms.withDoc(
      b.w.workshopId,
      groupDocName(b.groupA),
      readRecommendations,
    );
    expect(live.map((r) => r.title)).toEqual(['Écrite par Ana', 'Une autre']);
    closeAll();
  });

  it('refuses what it must: 404 for an unknown participant or another workshop’s, 401 without a key, 403 with a key that is not this facilitator’s', async () => {
    const b = await board();
    const other = await board();
    expect(await errorCode(await remove(b.w.workshopId, 'nobody', b.w.facilitatorKey))).toBe(
      'not_found',
    );
    const stranger = await remove(b.w.workshopId, other.ana.participantId, b.w.facilitatorKey);
    expect(stranger.status).toBe(404);
    expect((await remove(b.w.workshopId, 'x'.repeat(65), b.w.facilitatorKey)).status).toBe(400);
    expect((await remove(b.w.workshopId, b.ana.participantId, null)).status).toBe(401);
    expect((await remove(b.w.workshopId, b.ana.participantId, other.w.facilitatorKey)).status).toBe(
      403,
    );
    expect((await remove(b.w.workshopId, b.bea.participantId, b.ana.token)).status).toBe(403);
    // Nobody was removed by any of those.
    const exported = await fetch(`${srv.url}/api/workshops/${b.w.workshopId}/export?format=json`, {
      headers: { authorization: `Bearer ${b.w.facilitatorKey}` },
    });
    const { participants } = (await exported.json()) as { participants: { name: string }[] };
    expect(participants.map((p) => p.name)).toEqual(['Ana', 'Béa']);
    expect((await session(b.ana.token)).whoami[0]).toMatchObject({ role: 'participant' });
    expect(
      (await remove(other.w.workshopId, other.ana.participantId, other.w.facilitatorKey)).status,
    ).toBe(204);
    expect(
      (await remove(other.w.workshopId, other.ana.participantId, other.w.facilitatorKey)).status,
    ).toBe(404);
    closeAll();
  });
});
