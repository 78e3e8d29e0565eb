// Votes are what the room voted on (1.1): the cards hold still for participants while the room
// votes, a card that is deleted gives its dots back to their owners (with a notice), a restore
// brings its own votes without returning any, and what the live documents hold always exports,
// snapshots, restores, compares and imports back. Real server, real clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addRecommendation,
  itemsMap,
  readItems,
  readRecommendations,
  recommendationsMap,
  removeItem,
  removeRecommendation,
  replaceText,
} from '../../shared/doc.js';
import type { BoardExport } from '../../shared/export.js';
import { groupDocName, PLENARY_DOC } from '../../shared/ids.js';
import type { Phase } from '../../shared/phases.js';
import type { VotesMine } from '../../shared/protocol.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, handledBy, synced } from '../helpers/clients.js';
import {
  ok,
  record,
  sessionPool,
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
  ana: JoinResult;
  bea: JoinResult;
  facilitator: Session;
  a1: string;
  a2: string;
}

/** One group, two members, two recommendations written in `write`. */
async function board(): Promise<Board> {
  const w = await createWorkshop(srv.url, {
    title: 'Confiance',
    groups: ['A', 'B'],
    voteBudget: 5,
  });
  const groupA = w.groups[0]!.id;
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: groupA });
  const bea = await joinWorkshop(srv.url, w.code, { name: 'Béa', groupId: groupA });
  await writeRecommendations(srv.url, w.workshopId, groupA, ana.token, w.facilitatorKey, [
    { id: 'r1', title: 'Cartographier les risques' },
    { id: 'r2', title: 'Former les habitants' },
  ]);
  const facilitator = await session(w.facilitatorKey);
  return { w, groupA, ana, bea, facilitator, a1: `${groupA}/r1`, a2: `${groupA}/r2` };
}

const setPhase = (b: Board, phase: Phase) => ok(b.facilitator.socket, 'phase:set', { phase });
const vote = (s: Session, targetId: string) => ok(s.socket, 'vote:cast', { targetId, delta: 1 });
const mineWhere = (s: Session, check: (mine: VotesMine) => boolean) =>
  waitFor(() => s.mine.find(check), { message: 'matching votes:mine' });

async function http(path: string, key: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${srv.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
}

async function exportJson(b: Board): Promise<BoardExport> {
  const res = await http(`/api/workshops/${b.w.workshopId}/export?format=json`, b.w.facilitatorKey);
  expect(res.status).toBe(200);
  return (await res.json()) as BoardExport;
}

describe('while the room votes, the cards hold still', () => {
  it("in vote, a participant's edits and deletions change nothing; the facilitator's still apply", async () => {
    const b = await board();
    await setPhase(b, 'vote');
    const ana = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.ana.token);
    const fac = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.w.facilitatorKey);
    try {
      await Promise.all([synced(ana), synced(fac)]);
      removeRecommendation(ana.doc, 'r1');
      const title = recommendationsMap(ana.doc).get('r2')?.get('title') as Y.Text;
      title.insert(0, 'Ne pas ');
      addRecommendation(ana.doc, {
        id: 'r9',
        title: 'Glissée pendant le vote',
        body: '',
        authorId: 'x',
        createdAt: 9,
      });
      await handledBy(ana);

      const facTitle = recommendationsMap(fac.doc).get('r1')?.get('title') as Y.Text;
      facTitle.insert(facTitle.length, ' (animation)');
      await handledBy(fac);

      const onServer = await srv.server.rooms.withDoc(
        b.w.workshopId,
        groupDocName(b.groupA),
        readRecommendations,
      );
      expect(onServer.map((r) => [r.id, r.title])).toEqual([
        ['r1', 'Cartographier les risques (animation)'],
        ['r2', 'Former les habitants'],
      ]);
      // Nobody else ever saw the participant's changes.
      await waitFor(() => readRecommendations(fac.doc).length === 2, {
        message: 'facilitator view',
      });
      expect(readRecommendations(fac.doc).map((r) => r.title)).toEqual([
        'Cartographier les risques (animation)',
        'Former les habitants',
      ]);
    } finally {
      ana.destroy();
      fac.destroy();
    }
    closeAll();
  });

  it('in prioritise, a participant writes nothing to the plenary; the facilitator does', async () => {
    const b = await board();
    await writeItems(srv.url, b.w.workshopId, b.w.facilitatorKey, b.ana.token, [
      { id: 'i1', title: 'Plan de crue', sources: [b.a1] },
    ]);
    await setPhase(b, 'prioritise');
    const ana = connectDoc(srv.url, b.w.workshopId, PLENARY_DOC, b.ana.token);
    try {
      await synced(ana);
      removeItem(ana.doc, 'i1');
      await handledBy(ana);
      expect(
        (await srv.server.rooms.withDoc(b.w.workshopId, PLENARY_DOC, readItems)).map((i) => i.id),
      ).toEqual(['i1']);
    } finally {
      ana.destroy();
    }
    closeAll();
  });
});

describe('a deleted card gives its dots back', () => {
  it('deleted by the facilitator during the vote: each owner gets their dots, a notice, and the tallies drop it', async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    const bea = await session(b.bea.token);
    const anaReturned = record(ana.socket, 'votes:returned');
    const beaReturned = record(bea.socket, 'votes:returned');
    await setPhase(b, 'vote');
    for (let i = 0; i < 3; i++) await vote(ana, b.a1);
    await vote(ana, b.a2);
    await vote(bea, b.a1);
    await waitFor(() => b.facilitator.tally.find((t) => t.tallies[b.a1] === 4), {
      message: 'tally of 4',
    });

    const fac = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.w.facilitatorKey);
    try {
      await synced(fac);
      removeRecommendation(fac.doc, 'r1');
      await handledBy(fac);
    } finally {
      fac.destroy();
    }

    expect(await waitFor(() => anaReturned[0], { message: 'votes:returned to Ana' })).toEqual({
      targetId: b.a1,
      count: 3,
      title: 'Cartographier les risques',
    });
    expect(await waitFor(() => beaReturned[0], { message: 'votes:returned to Béa' })).toMatchObject(
      {
        targetId: b.a1,
        count: 1,
      },
    );
    expect(await mineWhere(ana, (m) => m.remaining === 4 && !(b.a1 in m.votes))).toEqual({
      remaining: 4,
      votes: { [b.a2]: 1 },
    });
    await mineWhere(bea, (m) => m.remaining === 5);
    await waitFor(
      () => b.facilitator.tally.find((t) => !(b.a1 in t.tallies) && t.tallies[b.a2] === 1),
      {
        message: 'tally without the deleted card',
      },
    );
    // The dots can be spent again.
    for (let i = 0; i < 4; i++) await vote(ana, b.a2);
    // The export lists no dot on a card that is gone.
    const data = await exportJson(b);
    expect(data.votes.filter((v) => v.targetId === b.a1)).toEqual([]);
    expect(data.votes.find((v) => v.participantId === b.ana.participantId)?.count).toBe(5);
    closeAll();
  });

  it('deleted by a participant after the vote (phase merge): the dots still come back', async () => {
    const b = await board();
    const bea = await session(b.bea.token);
    const returned = record(bea.socket, 'votes:returned');
    await setPhase(b, 'vote');
    await vote(bea, b.a2);
    await vote(bea, b.a2);
    await setPhase(b, 'merge');
    const ana = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.ana.token);
    try {
      await synced(ana);
      // Rewritten first, in its own transactions: the notice names the card as it was last.
      const title = recommendationsMap(ana.doc).get('r2')?.get('title') as Y.Text;
      replaceText(title, 'Former les élus du territoire');
      await handledBy(ana);
      removeRecommendation(ana.doc, 'r2');
      await handledBy(ana);
    } finally {
      ana.destroy();
    }
    expect(await waitFor(() => returned[0], { message: 'votes:returned' })).toEqual({
      targetId: b.a2,
      count: 2,
      title: 'Former les élus du territoire',
    });
    // Outside a voting phase the vote phase's budget is shown: whole again.
    await mineWhere(bea, (m) => m.remaining === 5 && Object.keys(m.votes).length === 0);
    closeAll();
  });

  it('a plenary item deleted during prioritise returns its dots; a card without dots returns nothing', async () => {
    const b = await board();
    await writeItems(srv.url, b.w.workshopId, b.w.facilitatorKey, b.ana.token, [
      { id: 'i1', title: 'Plan de crue', sources: [b.a1] },
      { id: 'i2', title: 'École des risques', sources: [b.a2] },
    ]);
    const ana = await session(b.ana.token);
    const bea = await session(b.bea.token);
    const anaReturned = record(ana.socket, 'votes:returned');
    const beaReturned = record(bea.socket, 'votes:returned');
    await setPhase(b, 'prioritise');
    await vote(ana, 'plenary/i1');
    await vote(ana, 'plenary/i1');
    await vote(bea, 'plenary/i1');
    const fac = connectDoc(srv.url, b.w.workshopId, PLENARY_DOC, b.w.facilitatorKey);
    try {
      await synced(fac);
      removeItem(fac.doc, 'i2'); // no dots on it
      removeItem(fac.doc, 'i1');
      await handledBy(fac);
    } finally {
      fac.destroy();
    }
    await waitFor(() => anaReturned.length > 0 && beaReturned.length > 0, {
      message: 'both notices',
    });
    expect(anaReturned).toEqual([{ targetId: 'plenary/i1', count: 2, title: 'Plan de crue' }]);
    expect(beaReturned).toEqual([{ targetId: 'plenary/i1', count: 1, title: 'Plan de crue' }]);
    await mineWhere(ana, (m) => m.remaining === 5);
    closeAll();
  });

  it("a restore brings back the snapshot's votes and returns none for the cards it deletes", async () => {
    const b = await board();
    const ana = await session(b.ana.token);
    const returned = record(ana.socket, 'votes:returned');
    await setPhase(b, 'vote');
    await vote(ana, b.a1);
    const saved = await http(`/api/workshops/${b.w.workshopId}/snapshots`, b.w.facilitatorKey, {
      method: 'POST',
      body: JSON.stringify({ label: 'Un vote' }),
    });
    expect(saved.status).toBe(201);
    const { snapshotId } = (await saved.json()) as { snapshotId: string };

    // A card written and voted on after the snapshot: the restore deletes it.
    await setPhase(b, 'write');
    await writeRecommendations(srv.url, b.w.workshopId, b.groupA, b.ana.token, b.w.facilitatorKey, [
      { id: 'r3', title: 'Arrivée après' },
    ]);
    await setPhase(b, 'vote');
    await vote(ana, `${b.groupA}/r3`);
    await vote(ana, `${b.groupA}/r3`);

    const restored = await http(
      `/api/workshops/${b.w.workshopId}/snapshots/${snapshotId}/restore`,
      b.w.facilitatorKey,
      {
        method: 'POST',
      },
    );
    expect(restored.status).toBe(200);
    await mineWhere(
      ana,
      (m) => m.remaining === 4 && m.votes[b.a1] === 1 && !(`${b.groupA}/r3` in m.votes),
    );
    expect((await exportJson(b)).votes).toEqual([
      { participantId: b.ana.participantId, phase: 'vote', targetId: b.a1, count: 1 },
    ]);

    // A deletion after the restore is answered, so anything the restore sent has arrived by then.
    const fac = connectDoc(srv.url, b.w.workshopId, groupDocName(b.groupA), b.w.facilitatorKey);
    try {
      await synced(fac);
      removeRecommendation(fac.doc, 'r1');
      await handledBy(fac);
    } finally {
      fac.destroy();
    }
    await waitFor(() => returned.length > 0, { message: 'the later notice' });
    expect(returned).toEqual([{ targetId: b.a1, count: 1, title: 'Cartographier les risques' }]);
    closeAll();
  });
});

describe('what the live documents hold always snapshots, exports and imports back', () => {
  it('a 700-character title written straight into a document: snapshot, export, import, restore, compare all answer 2xx', async () => {
    const b = await board();
    const long = `${'Une très longue recommandation '.repeat(23)}fin`.slice(0, 700);
    expect(long).toHaveLength(700);
    await srv.server.rooms.withDoc(b.w.workshopId, groupDocName(b.groupA), (doc) => {
      addRecommendation(doc, {
        id: 'long',
        title: long,
        body: 'x'.repeat(5000),
        authorId: 'a'.repeat(100),
        createdAt: 5,
      });
    });
    await srv.server.rooms.withDoc(b.w.workshopId, PLENARY_DOC, (doc) => {
      const entry = new Y.Map<unknown>();
      doc.transact(() => {
        itemsMap(doc).set('i-long', entry);
        entry.set('title', new Y.Text(long));
        entry.set('body', 42); // malformed: not a text
        const sources = new Y.Array<unknown>();
        sources.push([`${b.groupA}/long`, 'z'.repeat(300), 7]);
        entry.set('sources', sources);
        entry.set('createdAt', 1);
      });
      itemsMap(doc).set('k'.repeat(100), new Y.Map()); // an id no export can hold
    });
    const base = `/api/workshops/${b.w.workshopId}`;
    const key = b.w.facilitatorKey;

    const saved = await http(`${base}/snapshots`, key, {
      method: 'POST',
      body: JSON.stringify({ label: 'Long' }),
    });
    expect(saved.status).toBe(201);
    const { snapshotId } = (await saved.json()) as { snapshotId: string };
    expect((await http(`${base}/snapshots/${snapshotId}`, key)).status).toBe(200);
    for (const format of ['json', 'md', 'csv']) {
      expect((await http(`${base}/export?format=${format}`, key)).status, format).toBe(200);
      expect(
        (await http(`${base}/export?format=${format}&snapshot=${snapshotId}`, key)).status,
        format,
      ).toBe(200);
    }
    const data = await exportJson(b);
    const rec = data.groups[0]!.recommendations.find((r) => r.id === 'long')!;
    expect(rec.title).toBe(long.slice(0, 160));
    expect(rec.body).toHaveLength(2000);
    expect(data.items.map((i) => i.id)).toEqual(['i-long']);
    expect(data.items[0]!.sources).toEqual([`${b.groupA}/long`]);

    const imported = await fetch(`${srv.url}/api/workshops/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
    });
    expect(imported.status).toBe(201);
    expect(
      (await http(`${base}/snapshots/${snapshotId}/restore`, key, { method: 'POST' })).status,
    ).toBe(200);
    expect((await http(`${base}/compare?from=${snapshotId}&to=now`, key)).status).toBe(200);
    expect(
      (await http(`${base}/snapshots/${snapshotId}/fork`, key, { method: 'POST' })).status,
    ).toBe(201);
    closeAll();
  });
});
