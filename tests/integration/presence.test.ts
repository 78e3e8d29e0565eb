// Presence deltas, an extension of workshop:state: a socket that opts in at the handshake
// (`auth.presence: "delta"`) hears of people coming, going, joining and moving through small
// presence:delta upserts; a stock socket keeps the contract's full workshop:state on every change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPresenceDelta } from '../../shared/presence.js';
import type { ParticipantPresence, WorkshopState } from '../../shared/protocol.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { ok, openSession, sessionPool, type Session } from '../helpers/realtime.js';
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
const DELTA = { presence: 'delta' } as const;

async function setup(): Promise<{ w: CreateWorkshopResult; ana: JoinResult; bruno: JoinResult }> {
  const w = await createWorkshop(srv.url, { title: 'Présence', groups: ['A', 'B'] });
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
  const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: w.groups[1]!.id });
  return { w, ana, bruno };
}

const entryIn = (participants: ParticipantPresence[], id: string) =>
  participants.find((p) => p.participantId === id);

/** Waits for a workshop:state (received after `from`) that satisfies `check`. */
function stateWhere(s: Session, check: (state: WorkshopState) => boolean, from = 0) {
  return waitFor(() => s.state.slice(from).find(check), { message: 'matching workshop:state' });
}

/** Waits for a presence:delta entry of `participantId` (received after `from`) that satisfies `check`. */
function deltaEntry(
  s: Session,
  participantId: string,
  check: (entry: ParticipantPresence) => boolean,
  from = 0,
): Promise<ParticipantPresence> {
  return waitFor(
    () =>
      s.delta
        .slice(from)
        .flatMap((d) => d.participants)
        .find((p) => p.participantId === participantId && check(p)),
    { message: `presence:delta for ${participantId}` },
  );
}

describe('a stock socket (no opt-in) keeps the contract', () => {
  it('sees a participant online in a full workshop:state when they connect, offline when they leave, and never a delta', async () => {
    const { w, bruno } = await setup();
    const facilitator = await session(w.facilitatorKey);
    const from = facilitator.state.length;
    // Bruno's own page opts in: that must not change what a stock socket gets.
    const b = await openSession(srv.url, bruno.token, DELTA);
    await stateWhere(
      facilitator,
      (st) => entryIn(st.participants, bruno.participantId)?.online === true,
      from,
    );
    const beforeLeaving = facilitator.state.length;
    b.socket.disconnect();
    const offline = await stateWhere(
      facilitator,
      (st) => entryIn(st.participants, bruno.participantId)?.online === false,
      beforeLeaving,
    );
    expect(offline.participants).toHaveLength(2);
    expect(facilitator.delta).toEqual([]);
    closeAll();
  });
});

describe('a socket that opts in with presence "delta"', () => {
  it('gets the full state on connect, then presence:delta for a participant coming and going, and no full state for them', async () => {
    const { w, ana, bruno } = await setup();
    const facilitator = await session(w.facilitatorKey, DELTA);
    // On connect: the whole state at once, as for everyone.
    expect(facilitator.state).toHaveLength(1);
    expect(facilitator.state[0]!.participants.map((p) => p.participantId).sort()).toEqual(
      [ana.participantId, bruno.participantId].sort(),
    );
    const states = facilitator.state.length;

    const b = await openSession(srv.url, bruno.token);
    expect(await deltaEntry(facilitator, bruno.participantId, (p) => p.online)).toEqual({
      participantId: bruno.participantId,
      name: 'Bruno',
      groupId: w.groups[1]!.id,
      online: true,
    });
    const beforeLeaving = facilitator.delta.length;
    b.socket.disconnect();
    expect(
      await deltaEntry(facilitator, bruno.participantId, (p) => !p.online, beforeLeaving),
    ).toEqual({
      participantId: bruno.participantId,
      name: 'Bruno',
      groupId: w.groups[1]!.id,
      online: false,
    });
    // Only the changed participant travels, never the whole list.
    for (const d of facilitator.delta) {
      expect(d.participants.map((p) => p.participantId)).toEqual([bruno.participantId]);
    }

    // No full state came for the presence changes: the next one is the phase change.
    expect(facilitator.state).toHaveLength(states);
    await ok(facilitator.socket, 'phase:set', { phase: 'write' });
    await waitFor(() => facilitator.state.length > states, { message: 'state after phase:set' });
    expect(facilitator.state[states]!.phase).toBe('write');
    expect(entryIn(facilitator.state[states]!.participants, bruno.participantId)?.online).toBe(
      false,
    );
    closeAll();
  });

  it('hears of a participant joining over HTTP and of a participant moved by the facilitator, with their name and group', async () => {
    const { w, ana } = await setup();
    const facilitator = await session(w.facilitatorKey, DELTA);
    const participant = await session(ana.token, DELTA);
    const states = participant.state.length;

    const chloe = await joinWorkshop(srv.url, w.code, { name: 'Chloé', groupId: w.groups[0]!.id });
    for (const s of [facilitator, participant]) {
      expect(await deltaEntry(s, chloe.participantId, () => true)).toEqual({
        participantId: chloe.participantId,
        name: 'Chloé',
        groupId: w.groups[0]!.id,
        online: false,
      });
    }

    const target = w.groups[1]!.id;
    await ok(facilitator.socket, 'participant:move', {
      participantId: chloe.participantId,
      groupId: target,
    });
    for (const s of [facilitator, participant]) {
      expect(await deltaEntry(s, chloe.participantId, (p) => p.groupId === target)).toEqual({
        participantId: chloe.participantId,
        name: 'Chloé',
        groupId: target,
        online: false,
      });
    }
    // The participant's merged view is what a fresh connection sees.
    let merged = participant.state.at(-1)!;
    for (const d of participant.delta) merged = applyPresenceDelta(merged, d);
    const fresh = await session(w.facilitatorKey);
    expect(merged.participants).toEqual(fresh.state[0]!.participants);
    expect(participant.state).toHaveLength(states);
    closeAll();
  });

  it('a record change (the phase) still reaches both kinds of socket as a full workshop:state', async () => {
    const { w, ana, bruno } = await setup();
    const facilitator = await session(w.facilitatorKey, DELTA);
    const stock = await session(ana.token);
    const optedIn = await session(bruno.token, DELTA);
    const marks = [facilitator, stock, optedIn].map((s) => s.state.length);
    await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
    for (const [i, s] of [facilitator, stock, optedIn].entries()) {
      const state = await stateWhere(s, (st) => st.phase === 'vote', marks[i]);
      // The full state: everyone, with who is online now.
      expect(state.participants).toHaveLength(2);
      expect(entryIn(state.participants, ana.participantId)?.online).toBe(true);
      expect(entryIn(state.participants, bruno.participantId)?.online).toBe(true);
    }
    expect(stock.delta).toEqual([]);
    closeAll();
  });

  it('an opted-in view folded from deltas converges on what a fresh connection sees, in fewer messages than changes', async () => {
    const w = await createWorkshop(srv.url, { title: 'Arrivées', groups: ['A', 'B', 'C'] });
    const people = await Promise.all(
      Array.from({ length: 20 }, (_, i) => joinWorkshop(srv.url, w.code, { name: `P${i}` })),
    );
    const watcher = await session(w.facilitatorKey, DELTA);
    // Merged in arrival order, across both events, as the client bridges do.
    let view: WorkshopState | null = null;
    let messages = 0;
    watcher.socket.on('workshop:state', (st) => {
      view = st;
      messages++;
    });
    watcher.socket.on('presence:delta', (d) => {
      if (view) view = applyPresenceDelta(view, d);
      messages++;
    });
    view = watcher.state.at(-1)!;
    const connected = await Promise.all(people.map((p) => openSession(srv.url, p.token, DELTA)));
    const leaving = connected.slice(0, 5);
    for (const s of leaving) s.socket.disconnect();
    const leftIds = new Set(people.slice(0, 5).map((p) => p.participantId));
    const settled = (st: WorkshopState | null) =>
      st !== null && st.participants.every((p) => p.online === !leftIds.has(p.participantId));
    await waitFor(() => settled(view), { message: '15 online, 5 gone' });
    const fresh = await session(w.facilitatorKey);
    expect(view!.participants).toEqual(fresh.state[0]!.participants);
    // 20 arrivals and 5 departures, folded.
    expect(messages).toBeLessThan(25);
    expect(watcher.state).toHaveLength(1);
    for (const s of connected) s.socket.disconnect();
    closeAll();
  });
});

describe('a presence option the server does not know', () => {
  it('connects as a stock socket: full workshop:state on presence changes, no delta', async () => {
    const { w, bruno } = await setup();
    const odd: Session[] = [];
    for (const presence of [42, 'full', 'DELTA', null, { mode: 'delta' }, ['delta']]) {
      const s = await session(w.facilitatorKey, { presence });
      expect(s.socket.connected, JSON.stringify(presence)).toBe(true);
      expect(s.whoami[0]).toEqual({ role: 'facilitator', workshopId: w.workshopId });
      odd.push(s);
    }
    const marks = odd.map((s) => s.state.length);
    const b = await openSession(srv.url, bruno.token);
    for (const [i, s] of odd.entries()) {
      await stateWhere(
        s,
        (st) => entryIn(st.participants, bruno.participantId)?.online === true,
        marks[i],
      );
      expect(s.delta).toEqual([]);
      expect(s.socket.connected).toBe(true);
    }
    b.socket.disconnect();
    closeAll();
  });
});
