// Dot votes over Socket.IO: every voting rule of the contract, with recommendations and plenary
// items written through the real y-websocket protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phase } from '../../shared/phases.js';
import type { VotesMine } from '../../shared/protocol.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { removeRecommendation } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { command, connectDoc, synced } from '../helpers/clients.js';
import {
  ok,
  sessionPool,
  refusal,
  writeItems,
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
  groupB: string;
  ana: JoinResult;
  bruno: JoinResult;
  facilitator: Session;
  /** Target ids of the recommendations of group A (r1, r2) and group B (r3). */
  a1: string;
  a2: string;
  b1: string;
}

/** A workshop with two groups, one member each, two recommendations in A and one in B. */
async function board(voteBudget = 5): Promise<Board> {
  const w = await createWorkshop(srv.url, { title: 'Votes', groups: ['A', 'B'], voteBudget });
  const groupA = w.groups[0]!.id;
  const groupB = w.groups[1]!.id;
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: groupA });
  const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: groupB });
  await writeRecommendations(srv.url, w.workshopId, groupA, ana.token, w.facilitatorKey, [
    { id: 'r1', title: 'Cartographier les risques' },
    { id: 'r2', title: 'Former les habitants' },
  ]);
  await writeRecommendations(srv.url, w.workshopId, groupB, bruno.token, w.facilitatorKey, [
    { id: 'r3', title: 'Stocker de l’eau' },
  ]);
  const facilitator = await session(w.facilitatorKey);
  return {
    w,
    groupA,
    groupB,
    ana,
    bruno,
    facilitator,
    a1: `${groupA}/r1`,
    a2: `${groupA}/r2`,
    b1: `${groupB}/r3`,
  };
}

async function setPhase(b: Board, phase: Phase): Promise<void> {
  await ok(b.facilitator.socket, 'phase:set', { phase });
}

const cast = (s: Session, targetId: string, delta: 1 | -1 = 1) =>
  command(s.socket, 'vote:cast', { targetId, delta });

function mineWhere(s: Session, check: (mine: VotesMine) => boolean, from = 0): Promise<VotesMine> {
  return waitFor(() => s.mine.slice(from).find(check), { message: 'matching votes:mine' });
}

/**
 * Returns once every message the server emitted to `s` before now has arrived: an ack comes back
 * on the same connection after anything emitted to it earlier.
 */
async function drained(s: Session): Promise<void> {
  await command(s.socket, 'timer:stop', {});
}

describe('when voting is open', () => {
  it('outside the vote and prioritise phases, every vote is refused with voting_closed', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    for (const phase of ['lobby', 'write', 'merge', 'closed'] as const) {
      await setPhase(b, phase);
      expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 }), phase).toBe(
        'voting_closed',
      );
      expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 }), phase).toBe(
        'voting_closed',
      );
    }
    await setPhase(b, 'vote');
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toEqual({
      remaining: 4,
    });
    closeAll();
  });

  it('a dot cast in vote stays when the phase moves on, and cannot be withdrawn once voting closed', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await setPhase(b, 'merge');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 })).toBe(
      'voting_closed',
    );
    const from = ana.mine.length;
    await setPhase(b, 'vote');
    await ok(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 });
    expect(await mineWhere(ana, (m) => m.votes[b.a2] === 1, from)).toEqual({
      remaining: 3,
      votes: { [b.a1]: 1, [b.a2]: 1 },
    });
    closeAll();
  });
});

describe('in the vote phase', () => {
  it("a participant votes on their own group's recommendations", async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toEqual({
      remaining: 4,
    });
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 })).toEqual({
      remaining: 3,
    });
    expect(await mineWhere(ana, (m) => m.remaining === 3)).toEqual({
      remaining: 3,
      votes: { [b.a1]: 1, [b.a2]: 1 },
    });
    closeAll();
  });

  it("a vote on another group's recommendation is refused with forbidden", async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.b1, delta: 1 })).toBe('forbidden');
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toEqual({
      remaining: 4,
    });
    closeAll();
  });

  it('a vote on a recommendation that does not exist is refused with not_found', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: `${b.groupA}/nope`, delta: 1 })).toBe(
      'not_found',
    );
    closeAll();
  });

  it('a vote on a plenary item is refused with not_found in the vote phase', async () => {
    const b = await board();
    await writeItems(srv.url, b.w.workshopId, b.w.facilitatorKey, b.ana.token, [
      { id: 'i1', title: 'Synthèse' },
    ]);
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: 'plenary/i1', delta: 1 })).toBe(
      'not_found',
    );
    closeAll();
  });

  it('a malformed target id is refused with invalid_payload', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    for (const targetId of ['abc', `${b.groupA}/r1/x`, `/r1`, `${b.groupA}/`, `${b.groupA}//r1`]) {
      expect(await refusal(ana.socket, 'vote:cast', { targetId, delta: 1 }), targetId).toBe(
        'invalid_payload',
      );
    }
    closeAll();
  });

  it('the facilitator cannot vote: forbidden', async () => {
    const b = await board();
    await setPhase(b, 'vote');
    expect(await refusal(b.facilitator.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toBe(
      'forbidden',
    );
    closeAll();
  });
});

describe('the budget', () => {
  it("a participant has the workshop's vote budget, and when they run out the next vote is refused", async () => {
    const b = await board(3);
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    expect(await mineWhere(ana, (m) => m.remaining === 3)).toEqual({ remaining: 3, votes: {} });
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toEqual({
      remaining: 2,
    });
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 })).toEqual({
      remaining: 1,
    });
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 })).toEqual({
      remaining: 0,
    });
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toBe(
      'budget_exhausted',
    );
    expect(await mineWhere(ana, (m) => m.remaining === 0)).toEqual({
      remaining: 0,
      votes: { [b.a1]: 1, [b.a2]: 2 },
    });
    closeAll();
  });

  it('several dots stack on one target', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    for (let i = 0; i < 5; i++) await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    expect(await mineWhere(ana, (m) => m.remaining === 0)).toEqual({
      remaining: 0,
      votes: { [b.a1]: 5 },
    });
    closeAll();
  });

  it('a delta of -1 gives a dot back, down to none; with no dot there it is refused', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 })).toEqual({
      remaining: 4,
    });
    // The last dot on a target comes back too, and the target leaves votes:mine.
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 })).toEqual({
      remaining: 5,
    });
    expect(
      await mineWhere(ana, (m) => m.remaining === 5 && Object.keys(m.votes).length === 0),
    ).toEqual({
      remaining: 5,
      votes: {},
    });
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 })).toBe(
      'invalid_payload',
    );
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a2, delta: -1 })).toBe(
      'invalid_payload',
    );
    closeAll();
  });

  it('a dot given back after the budget ran out can be spent again', async () => {
    const b = await board(2);
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 })).toBe(
      'budget_exhausted',
    );
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 });
    expect(await ok(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 })).toEqual({
      remaining: 0,
    });
    closeAll();
  });

  it('each voting phase has its own budget; prioritise votes go to the plenary items', async () => {
    const b = await board(2);
    await writeItems(srv.url, b.w.workshopId, b.w.facilitatorKey, b.ana.token, [
      { id: 'i1', title: 'Eau', sources: [b.a1, b.b1] },
      { id: 'i2', title: 'Formation', sources: [b.a2] },
    ]);
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 })).toBe(
      'budget_exhausted',
    );

    const from = ana.mine.length;
    await setPhase(b, 'prioritise');
    // The new phase's budget is announced without asking.
    expect((await mineWhere(ana, (m) => m.remaining === 2, from)).votes).toMatchObject({
      [b.a1]: 2,
    });
    expect(await ok(ana.socket, 'vote:cast', { targetId: 'plenary/i1', delta: 1 })).toEqual({
      remaining: 1,
    });
    expect(await ok(ana.socket, 'vote:cast', { targetId: 'plenary/i2', delta: 1 })).toEqual({
      remaining: 0,
    });
    expect(await refusal(ana.socket, 'vote:cast', { targetId: 'plenary/i2', delta: 1 })).toBe(
      'budget_exhausted',
    );
    // Vote-phase dots are not this phase's: they cannot be withdrawn here.
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 })).toBe(
      'invalid_payload',
    );
    expect(await ok(ana.socket, 'vote:cast', { targetId: 'plenary/i2', delta: -1 })).toEqual({
      remaining: 1,
    });

    // Every participant, in any group, votes on any plenary item.
    const bruno = await session(b.bruno.token);
    expect(await ok(bruno.socket, 'vote:cast', { targetId: 'plenary/i2', delta: 1 })).toEqual({
      remaining: 1,
    });

    // Back in vote, the vote budget is still spent.
    await setPhase(b, 'vote');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 })).toBe(
      'budget_exhausted',
    );
    closeAll();
  });

  it('in prioritise, a recommendation target or an item that does not exist is refused with not_found', async () => {
    const b = await board();
    await writeItems(srv.url, b.w.workshopId, b.w.facilitatorKey, b.ana.token, [
      { id: 'i1', title: 'Eau' },
    ]);
    const ana = await session(b.ana.token);
    await setPhase(b, 'prioritise');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toBe('not_found');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: 'plenary/nope', delta: 1 })).toBe(
      'not_found',
    );
    expect(await ok(ana.socket, 'vote:cast', { targetId: 'plenary/i1', delta: 1 })).toEqual({
      remaining: 4,
    });
    closeAll();
  });

  it('20 casts racing from two tabs of one participant with a budget of 5: exactly 5 succeed', async () => {
    const b = await board(5);
    const tab1 = await session(b.ana.token);
    const tab2 = await session(b.ana.token);
    await setPhase(b, 'vote');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cast(i % 2 === 0 ? tab1 : tab2, i % 3 === 0 ? b.a1 : b.a2),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    const refused = answers.filter((a) => !a.ok);
    expect(refused).toHaveLength(15);
    for (const a of refused)
      expect(a).toMatchObject({ ok: false, error: { code: 'budget_exhausted' } });
    const remaining = answers.flatMap((a) => (a.ok ? [a.data.remaining] : [])).sort();
    expect(remaining).toEqual([0, 1, 2, 3, 4]);
    for (const tab of [tab1, tab2]) {
      const final = await mineWhere(tab, (m) => m.remaining === 0);
      expect(Object.values(final.votes).reduce((x, y) => x + y, 0)).toBe(5);
    }
    closeAll();
  });
});

describe('who hears about votes', () => {
  it("votes:mine reaches every tab of the voter, and no one else's", async () => {
    const b = await board();
    const tab1 = await session(b.ana.token);
    const tab2 = await session(b.ana.token);
    const bruno = await session(b.bruno.token);
    await setPhase(b, 'vote');
    const brunoBefore = bruno.mine.length;
    await ok(tab1.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    const expected = { remaining: 4, votes: { [b.a1]: 1 } };
    expect(await mineWhere(tab1, (m) => m.remaining === 4)).toEqual(expected);
    expect(await mineWhere(tab2, (m) => m.remaining === 4)).toEqual(expected);
    await drained(bruno);
    expect(bruno.mine.slice(brunoBefore).some((m) => b.a1 in m.votes)).toBe(false);
    expect(b.facilitator.mine).toEqual([]);
    closeAll();
  });

  it('tallies go to the facilitator always, and to participants only while votes are revealed', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    const bruno = await session(b.bruno.token);
    await setPhase(b, 'vote');

    // Hidden: the facilitator sees the totals, participants get nothing.
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await waitFor(() => b.facilitator.tally.some((t) => t.tallies[b.a1] === 1), {
      message: 'facilitator tally 1',
    });
    await drained(bruno);
    await drained(ana);
    expect(bruno.tally).toEqual([]);
    expect(ana.tally).toEqual([]);

    // Revealed: everyone gets the totals at once, and with every later vote.
    await ok(b.facilitator.socket, 'votes:reveal', { revealed: true });
    await waitFor(() => bruno.tally.some((t) => t.tallies[b.a1] === 1), {
      message: 'revealed tally',
    });
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await waitFor(() => bruno.tally.some((t) => t.tallies[b.a1] === 2), {
      message: 'participant tally 2',
    });
    await waitFor(() => ana.tally.some((t) => t.tallies[b.a1] === 2), { message: 'voter tally 2' });

    // A participant who connects while votes are revealed gets the totals on connect.
    const late = await session(b.bruno.token);
    await waitFor(() => late.tally.some((t) => t.tallies[b.a1] === 2), {
      message: 'tally on connect',
    });

    // Hidden again: new totals reach the facilitator only.
    await ok(b.facilitator.socket, 'votes:reveal', { revealed: false });
    await ok(ana.socket, 'vote:cast', { targetId: b.a2, delta: 1 });
    await waitFor(() => b.facilitator.tally.some((t) => t.tallies[b.a2] === 1), {
      message: 'facilitator tally',
    });
    await drained(bruno);
    await drained(ana);
    await drained(late);
    for (const s of [bruno, ana, late]) expect(s.tally.some((t) => b.a2 in t.tallies)).toBe(false);

    // A participant who connects while votes are hidden gets no totals.
    const hidden = await session(b.bruno.token);
    await drained(hidden);
    expect(hidden.tally).toEqual([]);
    closeAll();
  });

  it('tallies sum the dots of every participant per target', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    const bruno = await session(b.bruno.token);
    const carla = await joinWorkshop(srv.url, b.w.code, { name: 'Carla', groupId: b.groupA });
    const carlaSession = await session(carla.token);
    await setPhase(b, 'vote');
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await ok(carlaSession.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await ok(bruno.socket, 'vote:cast', { targetId: b.b1, delta: 1 });
    const totals = await waitFor(
      () => b.facilitator.tally.find((t) => t.tallies[b.a1] === 3 && t.tallies[b.b1] === 1),
      { message: 'summed tally' },
    );
    expect(totals.tallies).toEqual({ [b.a1]: 3, [b.b1]: 1 });
    closeAll();
  });
});

describe('rejoining', () => {
  it('reconnecting with the stored token is the same participant, with the same votes', async () => {
    const b = await board();
    const first = await session(b.ana.token);
    await setPhase(b, 'vote');
    await ok(first.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    await ok(first.socket, 'vote:cast', { targetId: b.a2, delta: 1 });
    const before = await mineWhere(first, (m) => m.remaining === 3);
    first.socket.disconnect();

    const again = await session(b.ana.token);
    expect(again.whoami[0]).toMatchObject({
      role: 'participant',
      participantId: b.ana.participantId,
      groupId: b.groupA,
    });
    expect(await mineWhere(again, () => true)).toEqual(before);
    expect(await ok(again.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toEqual({
      remaining: 2,
    });
    closeAll();
  });

  it('a dot on a recommendation deleted since comes back on its own, and the card takes no more', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    await setPhase(b, 'vote');
    await ok(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 });
    // During the vote only the facilitator may delete a card (participants' writes are frozen).
    const editor = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.w.facilitatorKey);
    const observer = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.ana.token);
    await Promise.all([synced(editor), synced(observer)]);
    removeRecommendation(editor.doc, 'r1');
    await waitFor(() => !observer.doc.getMap('recommendations').has('r1'));
    editor.destroy();
    observer.destroy();
    // Since 1.1 a deleted card gives its dots back (votes:mine says so): nothing to take back.
    expect(await mineWhere(ana, (m) => m.remaining === 5 && !(b.a1 in m.votes))).toMatchObject({
      remaining: 5,
    });
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: 1 })).toBe('not_found');
    expect(await refusal(ana.socket, 'vote:cast', { targetId: b.a1, delta: -1 })).toBeTruthy();
    closeAll();
  });
});
