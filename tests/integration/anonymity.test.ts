// Anonymity (contract 1.1, issue 16): in a `peers` or `everyone` workshop no participant's client
// receives another participant's name over any channel (workshop:state, presence:delta, Yjs
// awareness, the HTTP answers a participant token reaches); the facilitator reads names in
// `peers`, not in `everyone`; a change of mode applies from then on. Stock clients only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pseudonym } from '../../shared/anonymity.js';
import { groupDocName } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { ok, sessionPool, type Session } from '../helpers/realtime.js';
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
const docs: YClient[] = [];
afterEach(() => {
  closeAll();
  for (const d of docs.splice(0)) d.destroy();
});

/** Names no pseudonym, title or word of the app contains: a hit anywhere is a leak. */
const ALICE = 'Alicia Quenneville';
const BOB = 'Bartholomé Ystad';

/** Everything a socket receives, every event, as JSON text. */
function everything(s: Session): string[] {
  const seen: string[] = [];
  s.socket.onAny((event: string, ...args: unknown[]) => {
    seen.push(`${event} ${JSON.stringify(args)}`);
  });
  return seen;
}

async function setup(anonymity?: 'named' | 'peers' | 'everyone') {
  const w: CreateWorkshopResult = await createWorkshop(srv.url, {
    title: 'Anonymat',
    groups: ['A', 'B'],
    ...(anonymity ? { anonymity } : {}),
  });
  const group = w.groups[0]!.id;
  const alice: JoinResult = await joinWorkshop(srv.url, w.code, { name: ALICE, groupId: group });
  const bob: JoinResult = await joinWorkshop(srv.url, w.code, { name: BOB, groupId: group });
  return { w, group, alice, bob };
}

function namesIn(s: Session): string[] {
  return s.state.at(-1)!.participants.map((p) => p.name);
}

/** A group document client whose awareness says `name`. */
async function announce(w: CreateWorkshopResult, group: string, token: string, name: string) {
  const client = connectDoc(srv.url, w.workshopId, groupDocName(group), token);
  docs.push(client);
  await synced(client);
  client.provider.awareness.setLocalState({ user: { name, color: '#123456' }, editing: null });
  return client;
}

/** The user names `reader` holds in its awareness for the other clients. */
function awarenessNames(reader: YClient): string[] {
  const names: string[] = [];
  for (const [id, state] of reader.provider.awareness.getStates()) {
    if (id === reader.doc.clientID) continue;
    const user = (state as { user?: { name?: unknown } }).user;
    if (typeof user?.name === 'string') names.push(user.name);
  }
  return names;
}

describe('anonymity', () => {
  it('a workshop is named by default, and says so in its state and its public description', async () => {
    const { w, bob } = await setup();
    const s = await session(bob.token);
    expect(s.state.at(-1)!.anonymity).toBe('named');
    expect(namesIn(s)).toEqual(expect.arrayContaining([ALICE, BOB]));
    const info = (await (await fetch(`${srv.url}/api/workshops/${w.code}`)).json()) as {
      anonymity: string;
    };
    expect(info.anonymity).toBe('named');
  });

  it('in `peers`, participants and the screen read pseudonyms everywhere; the facilitator reads names', async () => {
    const { w, group, alice, bob } = await setup('peers');
    const fac = await session(w.facilitatorKey);
    const facDelta = await session(w.facilitatorKey, { presence: 'delta' });
    const bobState = await session(bob.token);
    const bobDelta = await session(bob.token, { presence: 'delta' });
    const received = [bobState, bobDelta].map(everything);
    const screenKey = await screenKeyOf(w);
    const screen = await session(screenKey);
    const screenSeen = everything(screen);

    // Alice comes online: a presence change, then a record change, both reach everyone.
    const aliceSession = await session(alice.token);
    await ok(fac.socket, 'timer:start', { seconds: 60 });
    // Alice's arrival reaches a delta socket as a delta, or inside the full state of the timer's
    // change when both fall in one fold window.
    const aliceOnline = (s: Session) =>
      [...s.delta.flatMap((d) => d.participants), ...(s.state.at(-1)?.participants ?? [])].some(
        (p) => p.participantId === alice.participantId && p.online,
      );
    await waitFor(() => aliceOnline(bobDelta));
    await waitFor(() => bobState.state.at(-1)!.timer.endsAt !== null);
    await waitFor(() => screen.state.at(-1)!.timer.endsAt !== null);
    await waitFor(() => fac.state.at(-1)!.timer.endsAt !== null);

    const otter = pseudonym(0, 'fr');
    const fox = pseudonym(1, 'fr');
    expect(bobState.state.at(-1)!.anonymity).toBe('peers');
    expect(namesIn(bobState).sort()).toEqual([otter, fox].sort());
    expect(namesIn(screen).sort()).toEqual([otter, fox].sort());
    expect(bobDelta.delta.flatMap((d) => d.participants.map((p) => p.name))).not.toContain(ALICE);
    expect(namesIn(fac).sort()).toEqual([ALICE, BOB].sort());
    await waitFor(() => aliceOnline(facDelta));
    expect(
      [...facDelta.delta.flatMap((d) => d.participants), ...facDelta.state.at(-1)!.participants]
        .filter((p) => p.participantId === alice.participantId)
        .every((p) => p.name === ALICE),
    ).toBe(true);
    // Bob's own client knows his own name (whoami), and nobody else's anywhere.
    expect(bobState.whoami[0]).toMatchObject({ name: BOB });
    for (const text of [...received.flat(), ...screenSeen]) expect(text).not.toContain(ALICE);
    for (const text of screenSeen) expect(text).not.toContain(BOB);
    expect(aliceSession.whoami[0]).toMatchObject({ name: ALICE });

    // Awareness: Alice's client announces her real name; what arrives is her pseudonym.
    const bobDoc = await announce(w, group, bob.token, BOB);
    await announce(w, group, alice.token, ALICE);
    const facDoc = connectDoc(srv.url, w.workshopId, groupDocName(group), w.facilitatorKey);
    docs.push(facDoc);
    await synced(facDoc);
    await waitFor(() => awarenessNames(bobDoc).includes(otter), { message: 'Alice in awareness' });
    expect(awarenessNames(bobDoc)).toEqual([otter]);
    // Awareness is one state for every reader: the facilitator's console maps pseudonyms back.
    await waitFor(() => awarenessNames(facDoc).length === 2);
    expect(awarenessNames(facDoc).sort()).toEqual([otter, fox].sort());

    // The HTTP answers a participant's token reaches name nobody either.
    for (const url of [`/api/workshops/${w.code}`]) {
      const text = await (
        await fetch(`${srv.url}${url}`, { headers: { authorization: `Bearer ${bob.token}` } })
      ).text();
      expect(text).not.toContain(ALICE);
    }
  });

  it('in `everyone`, the facilitator reads pseudonyms too, and the export names nobody', async () => {
    const { w, alice } = await setup('everyone');
    const fac = await session(w.facilitatorKey);
    await session(alice.token);
    await waitFor(() => fac.state.at(-1)!.participants.some((p) => p.online));
    expect(namesIn(fac).sort()).toEqual([pseudonym(0, 'fr'), pseudonym(1, 'fr')].sort());
    for (const format of ['json', 'md', 'csv']) {
      const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/export?format=${format}`, {
        headers: { authorization: `Bearer ${w.facilitatorKey}` },
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(ALICE);
      expect(text).not.toContain(BOB);
    }
  });

  it('in `peers`, the facilitator’s export keeps the names', async () => {
    const { w } = await setup('peers');
    const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/export?format=json`, {
      headers: { authorization: `Bearer ${w.facilitatorKey}` },
    });
    expect(await res.text()).toContain(ALICE);
  });

  it('a name written into awareness by a client is replaced by its own: nobody speaks as another', async () => {
    const { w, group, alice, bob } = await setup('named');
    const bobDoc = await announce(w, group, bob.token, BOB);
    await announce(w, group, alice.token, BOB);
    await waitFor(() => awarenessNames(bobDoc).length === 1);
    expect(awarenessNames(bobDoc)).toEqual([ALICE]);
  });

  it('switching a named workshop to `peers` applies from then on, on every channel', async () => {
    const { w, group, alice, bob } = await setup('named');
    const fac = await session(w.facilitatorKey);
    const bobState = await session(bob.token);
    const bobDelta = await session(bob.token, { presence: 'delta' });
    const bobDoc = await announce(w, group, bob.token, BOB);
    const aliceDoc = await announce(w, group, alice.token, ALICE);
    await waitFor(() => awarenessNames(bobDoc).includes(ALICE));
    expect(namesIn(bobState)).toContain(ALICE);

    const data = await ok(fac.socket, 'workshop:settings', { anonymity: 'peers' });
    expect(data.anonymity).toBe('peers');
    const stateFrom = bobState.state.length;
    const deltaFrom = bobDelta.delta.length;
    await waitFor(() => bobState.state.slice(stateFrom).some((s) => s.anonymity === 'peers'));
    expect(namesIn(bobState)).not.toContain(ALICE);
    expect(namesIn(fac)).toContain(ALICE);

    // From now on: a presence change, and Alice's next awareness state.
    await session(alice.token);
    await waitFor(() => bobDelta.delta.length > deltaFrom);
    for (const d of bobDelta.delta.slice(deltaFrom)) {
      expect(JSON.stringify(d)).not.toContain(ALICE);
    }
    aliceDoc.provider.awareness.setLocalStateField('editing', 'somewhere');
    await waitFor(() => awarenessNames(bobDoc).includes(pseudonym(0, 'fr')), {
      message: 'the pseudonym in awareness',
    });
    expect(awarenessNames(bobDoc)).not.toContain(ALICE);
  });

  it('pseudonyms follow join order and are never reused after a removal', async () => {
    const { w, bob } = await setup('everyone');
    const fac = await session(w.facilitatorKey);
    const res = await fetch(
      `${srv.url}/api/workshops/${w.workshopId}/participants/${bob.participantId}`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${w.facilitatorKey}` },
      },
    );
    expect(res.status).toBe(204);
    await joinWorkshop(srv.url, w.code, { name: 'Chloé', groupId: w.groups[1]!.id });
    // The state that lists Chloé (folded states may come between): Bob's animal is not hers.
    await waitFor(() => fac.state.at(-1)!.participants.some((p) => p.name === pseudonym(2, 'fr')));
    expect(namesIn(fac).sort()).toEqual([pseudonym(0, 'fr'), pseudonym(2, 'fr')].sort());
  });

  it('refuses an unknown mode', async () => {
    const res = await fetch(`${srv.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', groups: ['A'], anonymity: 'secret' }),
    });
    expect(res.status).toBe(400);
  });
});

async function screenKeyOf(w: CreateWorkshopResult): Promise<string> {
  const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.facilitatorKey}` },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { screenKey: string }).screenKey;
}
