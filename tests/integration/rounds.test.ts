// Rounds (issue 17) with stock clients: the facilitator previews and starts a round; documents
// exist per round and group; write rights follow the current round; tiers carry the cards up with
// their provenance; a World Café rotation moves people, not boards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName, recommendationTargetId } from '../../shared/ids.js';
import type { RoundPlan } from '../../shared/rounds.js';
import type { CreateWorkshopResult, JoinResult, WorkshopInfo } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, handledBy, synced, type YClient } from '../helpers/clients.js';
import { ok, refusal, sessionPool } from '../helpers/realtime.js';
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
function doc(workshopId: string, groupId: string, token: string): YClient {
  const client = connectDoc(srv.url, workshopId, groupDocName(groupId), token);
  docs.push(client);
  return client;
}
afterEach(() => {
  closeAll();
  for (const d of docs.splice(0)) d.destroy();
});

async function info(code: string): Promise<WorkshopInfo> {
  const res = await fetch(`${srv.url}/api/workshops/${code}`);
  return (await res.json()) as WorkshopInfo;
}

async function workshopWith(
  groups: string[],
  people: number,
): Promise<{ w: CreateWorkshopResult; joined: JoinResult[] }> {
  const w = await createWorkshop(srv.url, { title: 'Tours', groups });
  const joined: JoinResult[] = [];
  for (let i = 0; i < people; i++) {
    joined.push(await joinWorkshop(srv.url, w.code, { name: `P${i}` }));
  }
  return { w, joined };
}

/** Writes one card as `person` in their group's document, confirmed by the facilitator's copy. */
async function writeCard(
  workshopId: string,
  groupId: string,
  person: JoinResult,
  facilitatorKey: string,
  title: string,
): Promise<string> {
  const writer = doc(workshopId, groupId, person.token);
  const watcher = doc(workshopId, groupId, facilitatorKey);
  await Promise.all([synced(writer), synced(watcher)]);
  const id = `card-${person.participantId}-${readRecommendations(writer.doc).length}`;
  addRecommendation(writer.doc, {
    id,
    title,
    body: '',
    authorId: person.participantId,
    createdAt: Date.now(),
  });
  await waitFor(() => readRecommendations(watcher.doc).some((r) => r.id === id), {
    message: `card ${title} stored`,
  });
  return id;
}

describe('starting a round', () => {
  it('is the facilitator’s alone, and the preview is the plan applied', async () => {
    const { w, joined } = await workshopWith(['A', 'B'], 6);
    const participant = await session(joined[0]!.token);
    expect(await refusal(participant.socket, 'round:start', { formation: 'random', size: 2 })).toBe(
      'forbidden',
    );
    const facilitator = await session(w.facilitatorKey);
    const preview = await ok(facilitator.socket, 'round:preview', {
      formation: 'random',
      size: 2,
      seed: 42,
    });
    expect(preview.round).toBe(2);
    expect(preview.groups).toHaveLength(3);
    const started = await ok(facilitator.socket, 'round:start', {
      formation: 'random',
      size: 2,
      seed: 42,
    });
    expect(started.groups.map((g) => g.members)).toEqual(preview.groups.map((g) => g.members));

    // The look-up, the state and every socket agree: round 2, three new groups, two past ones.
    const after = await info(w.code);
    expect(after.round).toBe(2);
    expect(after.groups.map((g) => g.name)).toEqual(['Groupe 1', 'Groupe 2', 'Groupe 3']);
    expect(after.pastGroups.map((g) => [g.name, g.round])).toEqual([
      ['A', 1],
      ['B', 1],
    ]);
    await waitFor(() => participant.state.at(-1)?.round === 2, { message: 'state says round 2' });
    const mine = started.groups.find((g) => g.members.includes(joined[0]!.participantId));
    await waitFor(
      () =>
        participant.state
          .at(-1)
          ?.participants.find((p) => p.participantId === joined[0]!.participantId)?.groupId ===
        after.groups[started.groups.indexOf(mine!)]!.id,
      { message: 'participant moved in the state' },
    );
    // Nobody joins a group of the round that ended.
    const late = await fetch(`${srv.url}/api/workshops/${w.code}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Late', groupId: after.pastGroups[0]!.id }),
    });
    expect(late.status).toBe(400);
  });

  it('write rights follow the current round: the old board is read-only, the new one open', async () => {
    const { w, joined } = await workshopWith(['A'], 2);
    const alice = joined[0]!;
    const firstGroup = w.groups[0]!.id;
    const facilitator = await session(w.facilitatorKey);
    await ok(facilitator.socket, 'phase:set', { phase: 'write' });
    await writeCard(w.workshopId, firstGroup, alice, w.facilitatorKey, 'Avant');

    const plan = await ok(facilitator.socket, 'round:start', { formation: 'solo' });
    const after = await info(w.code);
    const aliceGroup =
      after.groups[plan.groups.findIndex((g) => g.members[0] === alice.participantId)]!;

    // Her write to the first round's board changes nothing and reaches nobody.
    const old = doc(w.workshopId, firstGroup, alice.token);
    const watcher = doc(w.workshopId, firstGroup, w.facilitatorKey);
    await Promise.all([synced(old), synced(watcher)]);
    addRecommendation(old.doc, {
      id: 'late-card',
      title: 'Après coup',
      body: '',
      authorId: alice.participantId,
      createdAt: Date.now(),
    });
    await handledBy(old);
    await handledBy(watcher);
    expect(readRecommendations(watcher.doc).map((r) => r.title)).toEqual(['Avant']);

    // Her solo board takes her writes.
    await writeCard(w.workshopId, aliceGroup.id, alice, w.facilitatorKey, 'Seule');
  });
});

describe('tiers (1-2-4-All)', () => {
  it('carries every card up, alone → pairs → fours, each remembering where it came from', async () => {
    const { w, joined } = await workshopWith(['Table'], 8);
    const facilitator = await session(w.facilitatorKey);
    await ok(facilitator.socket, 'phase:set', { phase: 'write' });

    // 1: alone, one card each.
    await ok(facilitator.socket, 'round:start', { formation: 'solo' });
    const solos = (await info(w.code)).groups;
    expect(solos).toHaveLength(8);
    const soloCard = new Map<string, string>();
    // Each participant sits alone: find their group from the facilitator's state.
    await waitFor(() => facilitator.state.at(-1)?.round === 2, { message: 'round 2' });
    const seat = new Map(
      facilitator.state.at(-1)!.participants.map((p) => [p.participantId, p.groupId]),
    );
    for (const person of joined) {
      const groupId = seat.get(person.participantId)!;
      const id = await writeCard(
        w.workshopId,
        groupId,
        person,
        w.facilitatorKey,
        `Idée de ${person.participantId.slice(0, 4)}`,
      );
      soloCard.set(person.participantId, recommendationTargetId(groupId, id));
    }

    // 2: pairs, each board starting with its two members' cards.
    const pairs = await ok(facilitator.socket, 'round:start', { formation: 'tiers' });
    expect(pairs.groups).toHaveLength(4);
    expect(pairs.groups.every((g) => g.name.startsWith('Binôme'))).toBe(true);
    const pairGroups = (await info(w.code)).groups;
    const pairCards = new Map<string, string[]>();
    for (const [index, group] of pairGroups.entries()) {
      expect(group.parents).toHaveLength(2);
      const reader = doc(w.workshopId, group.id, w.facilitatorKey);
      await synced(reader);
      const cards = readRecommendations(reader.doc);
      expect(cards).toHaveLength(2);
      const expected = pairs.groups[index]!.members.map((id) => soloCard.get(id)).sort();
      expect(cards.map((c) => c.sources?.[0]).sort()).toEqual(expected);
      pairCards.set(
        group.id,
        cards.map((c) => recommendationTargetId(group.id, c.id)),
      );
    }

    // 3: fours, from the pairs' boards: four cards each, sources pointing at the pairs' cards.
    const fours = await ok(facilitator.socket, 'round:start', { formation: 'tiers' });
    expect(fours.groups).toHaveLength(2);
    expect(fours.groups.every((g) => g.name.startsWith('Quatuor'))).toBe(true);
    expect(fours.groups.every((g) => g.members.length === 4)).toBe(true);
    const fourGroups = (await info(w.code)).groups;
    for (const group of fourGroups) {
      const reader = doc(w.workshopId, group.id, w.facilitatorKey);
      await synced(reader);
      const cards = readRecommendations(reader.doc);
      expect(cards).toHaveLength(4);
      const fromPairs = group.parents!.flatMap((pairId) => pairCards.get(pairId)!);
      expect(cards.map((c) => c.sources?.[0]).sort()).toEqual(fromPairs.sort());
    }
    const past = (await info(w.code)).pastGroups;
    expect(past.filter((g) => g.round === 2)).toHaveLength(8);
    expect(past.filter((g) => g.round === 3)).toHaveLength(4);
  });
});

describe('World Café rotation', () => {
  it('moves people, not boards: every table keeps its id, its cards and its host', async () => {
    const { w, joined } = await workshopWith(['Besoins', 'Ressources', 'Coopérations'], 9);
    const facilitator = await session(w.facilitatorKey);
    await ok(facilitator.socket, 'phase:set', { phase: 'write' });
    const before = new Map(
      (facilitator.state.at(-1)?.participants ?? []).map((p) => [p.participantId, p.groupId]),
    );
    const table = w.groups[0]!.id;
    const writer = joined.find((p) => before.get(p.participantId) === table)!;
    await writeCard(w.workshopId, table, writer, w.facilitatorKey, 'Un besoin');

    const plan: RoundPlan = await ok(facilitator.socket, 'round:start', { formation: 'rotate' });
    expect(plan.groups.map((g) => g.keeps)).toEqual(w.groups.map((g) => g.id));
    const after = await info(w.code);
    expect(after.groups.map((g) => g.id)).toEqual(w.groups.map((g) => g.id));
    expect(after.pastGroups).toEqual([]);

    await waitFor(() => facilitator.state.at(-1)?.round === 2, { message: 'round 2' });
    const now = new Map(
      facilitator.state.at(-1)!.participants.map((p) => [p.participantId, p.groupId]),
    );
    for (const group of plan.groups) {
      expect(group.hostId).not.toBeNull();
      expect(now.get(group.hostId!)).toBe(group.keeps);
      for (const member of group.members)
        if (member !== group.hostId) expect(before.get(member)).not.toBe(group.keeps);
    }
    // The table's board is the same document, with its card.
    const reader = doc(w.workshopId, table, w.facilitatorKey);
    await synced(reader);
    expect(readRecommendations(reader.doc).map((r) => r.title)).toEqual(['Un besoin']);
  });
});
