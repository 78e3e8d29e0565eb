// Vote progress as the facilitator reads it (issue 12): "have started" (one dot) and "are done"
// (the whole budget placed) per group, so a vote is not closed when everyone has placed one dot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { ok, record, sessionPool, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
const pool = sessionPool(() => srv.url);
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  pool.closeAll();
  await srv.stop();
});

describe('vote progress: started and done', () => {
  it('one dot counts as started, not done; the whole budget counts as done; taking one back undoes it', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Progrès',
      groups: ['A', 'B'],
      voteBudget: 3,
    });
    const [gA, gB] = [w.groups[0]!.id, w.groups[1]!.id];
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: gA });
    const alf = await joinWorkshop(srv.url, w.code, { name: 'Alf', groupId: gA });
    await joinWorkshop(srv.url, w.code, { name: 'Bob', groupId: gB });
    await writeRecommendations(srv.url, w.workshopId, gA, ana.token, w.facilitatorKey, [
      { id: 'r1', title: 'Un' },
      { id: 'r2', title: 'Deux' },
    ]);
    const fac = await pool.session(w.facilitatorKey);
    const progress = record(fac.socket, 'votes:progress');
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    const anaS = await pool.session(ana.token);
    const alfS = await pool.session(alf.token);

    // Ana places one dot, Alf places all three (stacked and spread).
    await ok(anaS.socket, 'vote:cast', { targetId: `${gA}/r1`, delta: 1 });
    await ok(alfS.socket, 'vote:cast', { targetId: `${gA}/r1`, delta: 1 });
    await ok(alfS.socket, 'vote:cast', { targetId: `${gA}/r1`, delta: 1 });
    await ok(alfS.socket, 'vote:cast', { targetId: `${gA}/r2`, delta: 1 });
    await waitFor(() => progress.at(-1)?.total === 2 && progress.at(-1)?.done === 1, {
      message: 'two started, one done',
    });
    expect(progress.at(-1)).toEqual({
      phase: 'vote',
      byGroup: { [gA]: 2, [gB]: 0 },
      total: 2,
      doneByGroup: { [gA]: 1, [gB]: 0 },
      done: 1,
    });

    // Alf takes one back: still started, no longer done.
    await ok(alfS.socket, 'vote:cast', { targetId: `${gA}/r2`, delta: -1 });
    await waitFor(() => progress.at(-1)?.done === 0, {
      message: 'done drops after a dot taken back',
    });
    expect(progress.at(-1)?.byGroup[gA]).toBe(2);
  });

  it('a new voting phase starts from zero on both counts', async () => {
    const w = await createWorkshop(srv.url, { title: 'Phases', groups: ['A'], voteBudget: 1 });
    const gA = w.groups[0]!.id;
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: gA });
    await writeRecommendations(srv.url, w.workshopId, gA, ana.token, w.facilitatorKey, [
      { id: 'r1', title: 'Un' },
    ]);
    const fac = await pool.session(w.facilitatorKey);
    const progress = record(fac.socket, 'votes:progress');
    await ok(fac.socket, 'phase:set', { phase: 'vote' });
    const anaS = await pool.session(ana.token);
    await ok(anaS.socket, 'vote:cast', { targetId: `${gA}/r1`, delta: 1 });

    await waitFor(() => progress.at(-1)?.done === 1, { message: 'done in vote' });
    await ok(fac.socket, 'phase:set', { phase: 'prioritise' });
    await waitFor(() => progress.at(-1)?.phase === 'prioritise', {
      message: 'progress of the new phase',
    });
    expect(progress.at(-1)).toMatchObject({
      total: 0,
      done: 0,
      byGroup: { [gA]: 0 },
      doneByGroup: { [gA]: 0 },
    });
  });
});
