// Exports (JSON, Markdown report, CSV), import, the demo workshop and merge suggestions.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { setItemScores } from '../../shared/doc.js';
import type { BoardExport } from '../../shared/export.js';
import { PLENARY_DOC } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced } from '../helpers/clients.js';
import { writeItems, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

async function call(method: string, urlPath: string, key: string | null, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${srv.url}${urlPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface Created {
  workshopId: string;
  code: string;
  facilitatorKey: string;
  groups: { id: string; name: string }[];
}

async function demo(): Promise<Created> {
  const res = await call('POST', '/api/demo', null);
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

async function exportJson(w: Created): Promise<BoardExport> {
  const res = await call(
    'GET',
    `/api/workshops/${w.workshopId}/export?format=json`,
    w.facilitatorKey,
  );
  expect(res.status).toBe(200);
  return (await res.json()) as BoardExport;
}

/** The export with everything that names this workshop's rows replaced by positions. */
function normalise(board: BoardExport) {
  const groupKey = new Map(board.groups.map((g, i) => [g.id, `g${i + 1}`]));
  const people = [...board.participants].sort(
    (a, b) => a.name.localeCompare(b.name) || a.groupId.localeCompare(b.groupId),
  );
  const personKey = new Map(people.map((p, i) => [p.id, `p${i + 1}`]));
  const ref = (s: string) => {
    const [head, tail] = s.split('/');
    return `${groupKey.get(head!) ?? head}/${tail}`;
  };
  return {
    workshop: { ...board.workshop, workshopId: '', code: '', createdAt: 0 },
    groups: board.groups.map((g) => ({ ...g, id: groupKey.get(g.id) })),
    participants: people.map((p) => ({ name: p.name, groupId: groupKey.get(p.groupId) })),
    items: board.items.map((i) => ({ ...i, sources: i.sources.map(ref) })),
    votes: board.votes
      .map((v) => ({
        ...v,
        participantId: personKey.get(v.participantId),
        targetId: ref(v.targetId),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

describe('the demo workshop', () => {
  it('is built from the fixture: 6 groups, 60 people, 46 recommendations, the group vote done', async () => {
    const w = await demo();
    const board = await exportJson(w);
    expect(board.groups).toHaveLength(6);
    expect(board.participants).toHaveLength(60);
    expect(board.groups.reduce((n, g) => n + g.recommendations.length, 0)).toBe(46);
    expect(board.votes.reduce((n, v) => n + v.count, 0)).toBe(60 * 5);
    expect(board.workshop.phase).toBe('merge');
  });

  it('offers merge suggestions of recommendations from different groups, to the facilitator only', async () => {
    const w = await demo();
    const res = await call('GET', `/api/workshops/${w.workshopId}/suggestions`, w.facilitatorKey);
    expect(res.status).toBe(200);
    const suggestions = (await res.json()) as { sources: string[]; score: number }[];
    expect(suggestions.length).toBeGreaterThan(5);
    for (const s of suggestions) {
      const groups = s.sources.map((ref) => ref.split('/')[0]);
      expect(new Set(groups).size).toBe(groups.length);
      expect(groups.length).toBeGreaterThanOrEqual(2);
    }
    const scores = suggestions.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect((await call('GET', `/api/workshops/${w.workshopId}/suggestions`, null)).status).toBe(
      401,
    );
  });
});

describe('exports and import', () => {
  it('export → import → export gives the same document', async () => {
    const w = await demo();
    const first = await exportJson(w);
    // Merge two recommendations and score the item, so items and scores travel too.
    const [g1, g2] = first.groups;
    const plenary = connectDoc(srv.url, w.workshopId, PLENARY_DOC, w.facilitatorKey);
    await synced(plenary);
    const entry = new Y.Map<unknown>();
    plenary.doc.transact(() => {
      plenary.doc.getMap('items').set('m1', entry);
      entry.set('title', new Y.Text('Connaître le territoire'));
      entry.set('body', new Y.Text('Diagnostic partagé'));
      const sources = new Y.Array<string>();
      sources.push([
        `${g1!.id}/${g1!.recommendations[0]!.id}`,
        `${g2!.id}/${g2!.recommendations[0]!.id}`,
      ]);
      entry.set('sources', sources);
      entry.set('createdAt', 5);
    });
    setItemScores(plenary.doc, 'm1', { impact: 4, feasibility: 2 });
    await waitFor(async () => (await exportJson(w)).items[0]?.impact === 4, {
      message: 'item stored',
    });
    plenary.destroy();

    const exported = await exportJson(w);
    const imported = await call('POST', '/api/workshops/import', null, exported);
    expect(imported.status).toBe(201);
    const copy = (await imported.json()) as Created;
    expect(copy.workshopId).not.toBe(w.workshopId);
    const again = await exportJson(copy);
    expect(normalise(again)).toEqual(normalise(exported));
    expect(again.items[0]!.sourcesVotes).toBe(
      g1!.recommendations[0]!.votes + g2!.recommendations[0]!.votes,
    );
  });

  it('an import that is malformed or of an unknown version is refused with the reason, before anything is written', async () => {
    const w = await demo();
    const good = await exportJson(w);
    const db = new Database(path.join(srv.dataDir, 'atelier.sqlite'), { readonly: true });
    const count = () =>
      (db.prepare('SELECT count(*) AS n FROM workshops').get() as { n: number }).n;
    const before = count();

    const version = await call('POST', '/api/workshops/import', null, { ...good, version: 2 });
    expect(version.status).toBe(400);
    const versionError = (
      (await version.json()) as { error: { code: string; message: string; field: string } }
    ).error;
    expect(versionError).toMatchObject({ code: 'invalid_payload', field: 'version' });
    expect(versionError.message).toMatch(/version 1/);

    const malformed = await call('POST', '/api/workshops/import', null, {
      ...good,
      groups: 'nope',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { field: string } }).error.field).toBe('groups');

    const dangling = await call('POST', '/api/workshops/import', null, {
      ...good,
      votes: [{ participantId: 'ghost', phase: 'vote', targetId: 'x/y', count: 1 }],
    });
    expect(dangling.status).toBe(400);
    expect(((await dangling.json()) as { error: { message: string } }).error.message).toMatch(
      /ghost/,
    );

    const notJson = await call('POST', '/api/workshops/import', null, '{"format": ');
    expect(notJson.status).toBe(400);

    expect(count()).toBe(before);
    db.close();
  });

  it('the Markdown report of the fixture workshop has every section with the right totals', async () => {
    const w = await demo();
    const board = await exportJson(w);
    const res = await call(
      'GET',
      `/api/workshops/${w.workshopId}/export?format=md`,
      w.facilitatorKey,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/markdown/);
    const md = await res.text();
    expect(md).toContain('# Comment s');
    for (const section of [
      '## En bref',
      '## Groupes',
      '## Recommandations par groupe',
      '## Tableau de synthèse',
    ]) {
      expect(md).toContain(section);
    }
    expect(md).toContain('Participant·es\u00a0: 60');
    expect(md).toContain('Recommandations\u00a0: 46');
    for (const group of board.groups) {
      expect(md).toContain(`### ${group.name.replace(/'/g, "'")}`);
      // Each group's recommendations are listed ranked with their dots.
      const top = [...group.recommendations].sort((a, b) => b.votes - a.votes)[0]!;
      expect(md).toContain(
        `1. **${top.title}** — ${top.votes} gommette${top.votes > 1 ? 's' : ''}`,
      );
      const row = md.split('\n').find((line) => line.startsWith(`| ${group.name} |`));
      expect(row).toBe(`| ${group.name} | 10 | ${group.recommendations.length} |`);
    }
    const dots = [...md.matchAll(/— (\d+) gommettes?/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(dots).toBe(300);

    const en = await (
      await call('GET', `/api/workshops/${w.workshopId}/export?format=md&lang=en`, w.facilitatorKey)
    ).text();
    expect(en).toContain('## At a glance');
    expect(en).toContain('Participants: 60');
  });

  it('the report shows merged items with their groups, the final ranking and the 2×2 matrix when scored', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Rapport',
      groups: ['Eau', 'Solidarités'],
      language: 'fr',
    });
    const a = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    const b = await joinWorkshop(srv.url, w.code, { name: 'Bob', groupId: w.groups[1]!.id });
    await writeRecommendations(srv.url, w.workshopId, w.groups[0]!.id, a.token, b.token, [
      { id: 'r1', title: 'Stocker l’eau' },
    ]);
    await writeRecommendations(srv.url, w.workshopId, w.groups[1]!.id, b.token, a.token, [
      { id: 'r2', title: 'Récupérer la pluie' },
    ]);
    await writeItems(srv.url, w.workshopId, w.facilitatorKey, a.token, [
      {
        id: 'i1',
        title: 'Gérer l’eau',
        sources: [`${w.groups[0]!.id}/r1`, `${w.groups[1]!.id}/r2`],
      },
    ]);
    const plenary = connectDoc(srv.url, w.workshopId, PLENARY_DOC, w.facilitatorKey);
    await synced(plenary);
    setItemScores(plenary.doc, 'i1', { impact: 5, feasibility: 4 });
    await waitFor(async () => {
      const md = await (
        await call('GET', `/api/workshops/${w.workshopId}/export?format=md`, w.facilitatorKey)
      ).text();
      return md.includes('## Matrice impact / faisabilité');
    });
    plenary.destroy();
    const md = await (
      await call('GET', `/api/workshops/${w.workshopId}/export?format=md`, w.facilitatorKey)
    ).text();
    expect(md).toContain('Issu de\u00a0: Eau et Solidarités');
    expect(md).toContain('## Classement final');
    expect(md).toContain('| 1 | Gérer l’eau | Eau et Solidarités | 0 |');
    expect(md).toMatch(
      /### Gains rapides[^\n]*\n\n- Gérer l’eau \(Impact 5\/5, Faisabilité 4\/5\)/,
    );
  });

  it('the CSV has one row per recommendation and per merged item, with formulas neutralised', async () => {
    const w = await createWorkshop(srv.url, { title: 'CSV', groups: ['A', 'B'] });
    const a = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    const b = await joinWorkshop(srv.url, w.code, { name: 'Bob', groupId: w.groups[1]!.id });
    await writeRecommendations(srv.url, w.workshopId, w.groups[0]!.id, a.token, b.token, [
      { id: 'r1', title: '=HYPERLINK("http://evil","clic")' },
      { id: 'r2', title: '+33 6 00 00 00 00' },
      { id: 'r3', title: '@SUM(A1)' },
    ]);
    await writeItems(srv.url, w.workshopId, w.facilitatorKey, a.token, [
      { id: 'i1', title: '-2+3', sources: [`${w.groups[0]!.id}/r1`] },
    ]);
    const res = await call(
      'GET',
      `/api/workshops/${w.workshopId}/export?format=csv`,
      w.facilitatorKey,
    );
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const rows = csv.trim().split('\r\n');
    expect(rows).toHaveLength(1 + 3 + 1);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""clic"")"`);
    expect(csv).toContain(`"'+33 6 00 00 00 00"`);
    expect(csv).toContain(`"'@SUM(A1)"`);
    expect(csv).toContain(`"'-2+3"`);
    // No cell starts with a formula character once its quotes are removed.
    for (const row of rows) {
      for (const cell of row.split(';')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    }
  });

  it('exports need the facilitator key and a known format', async () => {
    const w = await createWorkshop(srv.url);
    expect((await call('GET', `/api/workshops/${w.workshopId}/export`, null)).status).toBe(401);
    const bad = await call(
      'GET',
      `/api/workshops/${w.workshopId}/export?format=pdf`,
      w.facilitatorKey,
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('format');
  });
});
