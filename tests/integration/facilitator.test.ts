// Facilitator controls beyond the contract: the timer's extra minute and "freeze at zero", vote
// progress counts, moving a participant, and the totals of merged items.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecommendations } from '../../shared/doc.js';
import { addRecommendation } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced } from '../helpers/clients.js';
import { ok, openSession, record, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

describe('the facilitator’s timer', () => {
  it('“+1 min” extends a running timer, and starts from now when it has run out', async () => {
    const w = await createWorkshop(srv.url);
    const fac = await openSession(srv.url, w.facilitatorKey);
    const { endsAt } = await ok(fac.socket, 'timer:start', { seconds: 300 });
    const extended = await ok(fac.socket, 'timer:add', { seconds: 60 });
    expect(extended.endsAt).toBe(endsAt + 60_000);
    await ok(fac.socket, 'timer:stop', {});
    const before = Date.now();
    const fresh = await ok(fac.socket, 'timer:add', { seconds: 60 });
    expect(fresh.endsAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(fresh.endsAt).toBeLessThan(before + 65_000);
    await waitFor(() => fac.state.at(-1)?.timer.endsAt === fresh.endsAt);
    fac.socket.disconnect();
  });

  it('with “freeze at zero”, participants stop writing when the countdown ends; the facilitator still writes', async () => {
    const w = await createWorkshop(srv.url);
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId });
    const fac = await openSession(srv.url, w.facilitatorKey);
    await ok(fac.socket, 'timer:start', { seconds: 1, freezeAtZero: true });
    await waitFor(() => fac.state.at(-1)?.timer.freezeAtZero === true);

    const writer = connectDoc(srv.url, w.workshopId, groupDocName(groupId), ana.token);
    const facDoc = connectDoc(srv.url, w.workshopId, groupDocName(groupId), w.facilitatorKey);
    await Promise.all([synced(writer), synced(facDoc)]);
    const endsAt = fac.state.at(-1)!.timer.endsAt!;
    await waitFor(() => Date.now() > endsAt + 50, { timeout: 3000, message: 'timer ran out' });

    addRecommendation(writer.doc, {
      id: 'late',
      title: 'Trop tard',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    addRecommendation(facDoc.doc, {
      id: 'fac',
      title: 'Animateur',
      body: '',
      authorId: '',
      createdAt: 2,
    });
    await waitFor(() => readRecommendations(writer.doc).some((r) => r.id === 'fac'), {
      message: 'facilitator write relayed',
    });
    // The facilitator's write came back to Ana; hers never reached the facilitator.
    expect(readRecommendations(facDoc.doc).map((r) => r.id)).toEqual(['fac']);

    // Stopping the timer unfreezes: a new write goes through, and so does what Ana's laptop held
    // (the server asks every client for what it lacks when writing reopens).
    await ok(fac.socket, 'timer:stop', {});
    await waitFor(() => fac.state.at(-1)?.timer.endsAt === null);
    addRecommendation(writer.doc, {
      id: 'after',
      title: 'Après',
      body: '',
      authorId: ana.participantId,
      createdAt: 3,
    });
    await waitFor(() => readRecommendations(facDoc.doc).some((r) => r.id === 'after'), {
      message: 'write after unfreeze',
    });
    expect(
      readRecommendations(facDoc.doc)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['after', 'fac', 'late']);
    writer.destroy();
    facDoc.destroy();
    fac.socket.disconnect();
  });
});

describe('vote progress', () => {
  it('the facilitator sees how many of each group have voted, never who voted what', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Progrès',
      groups: ['A', 'B'],
      voteBudget: 2,
    });
    const [gA, gB] = [w.groups[0]!.id, w.groups[1]!.id];
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: gA });
    const alf = await joinWorkshop(srv.url, w.code, { name: 'Alf', groupId: gA });
    const bob = await joinWorkshop(srv.url, w.code, { name: 'Bob', groupId: gB });
    await writeRecommendations(srv.url, w.workshopId, gA, ana.token, bob.token, [
      { id: 'r1', title: 'Un' },
    ]);
    const fac = await openSession(srv.url, w.facilitatorKey);
    const progress = record(fac.socket, 'votes:progress');
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    const anaSession = await openSession(srv.url, ana.token);
    const anaProgress = record(anaSession.socket, 'votes:progress');
    await ok(anaSession.socket, 'vote:cast', { targetId: `${gA}/r1`, delta: 1 });
    await ok(anaSession.socket, 'vote:cast', { targetId: `${gA}/r1`, delta: 1 });
    await waitFor(() => progress.at(-1)?.done === 1, { message: 'progress after votes' });
    expect(progress.at(-1)).toEqual({
      phase: 'vote',
      byGroup: { [gA]: 1, [gB]: 0 },
      total: 1,
      doneByGroup: { [gA]: 1, [gB]: 0 },
      done: 1,
    });
    expect(JSON.stringify(progress)).not.toContain(ana.participantId);
    expect(anaProgress).toHaveLength(0);
    void alf;
    fac.socket.disconnect();
    anaSession.socket.disconnect();
  });
});

describe('moving a participant', () => {
  it('a moved participant writes in the new group only, at once', async () => {
    const w = await createWorkshop(srv.url);
    const [gA, gB] = [w.groups[0]!.id, w.groups[1]!.id];
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: gA });
    const fac = await openSession(srv.url, w.facilitatorKey);
    await ok(fac.socket, 'participant:move', { participantId: ana.participantId, groupId: gB });
    await waitFor(
      () => fac.state.at(-1)?.participants.find((p) => p.name === 'Ana')?.groupId === gB,
    );

    const inA = connectDoc(srv.url, w.workshopId, groupDocName(gA), ana.token);
    const inB = connectDoc(srv.url, w.workshopId, groupDocName(gB), ana.token);
    const watchA = connectDoc(srv.url, w.workshopId, groupDocName(gA), w.facilitatorKey);
    const watchB = connectDoc(srv.url, w.workshopId, groupDocName(gB), w.facilitatorKey);
    await Promise.all([inA, inB, watchA, watchB].map((c) => synced(c)));
    addRecommendation(inA.doc, {
      id: 'old',
      title: 'Ancien groupe',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    addRecommendation(inB.doc, {
      id: 'new',
      title: 'Nouveau groupe',
      body: '',
      authorId: ana.participantId,
      createdAt: 2,
    });
    await waitFor(() => readRecommendations(watchB.doc).some((r) => r.id === 'new'));
    expect(readRecommendations(watchA.doc)).toEqual([]);
    for (const c of [inA, inB, watchA, watchB]) c.destroy();
    fac.socket.disconnect();
  });
});
