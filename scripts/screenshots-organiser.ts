// Screenshots of the organiser's pages (imported by scripts/screenshots.ts): the workshops
// created here, one workshop's snapshots with a comparison, a snapshot opened, the restore
// dialog, and the report on screen, on a phone and as printed.
//
// The workshop is the fixture's, taken through a whole session: written, snapshotted, voted,
// merged, snapshotted again, then edited, re-merged, scored and prioritised, so the comparison
// of the last snapshot with now has something of every kind to show.
import type { Page } from 'playwright-core';
import { loadResilienceFixture } from '../server/demo/fixture.js';
import {
  addItem,
  addRecommendation,
  addSources,
  recommendationsMap,
  removeRecommendation,
  setField,
  setItemScores,
} from '../shared/doc.js';
import {
  groupDocName,
  PLENARY_DOC,
  plenaryTargetId,
  recommendationTargetId,
} from '../shared/ids.js';
import type { Phase } from '../shared/phases.js';
import type { CreateWorkshopResult, JoinResult } from '../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../tests/helpers/api.js';
import {
  command,
  connectDoc,
  connectSocket,
  synced,
  type YClient,
} from '../tests/helpers/clients.js';
import type { TestServer } from '../tests/helpers/server.js';
import { waitFor } from '../tests/helpers/wait.js';
import type { Shot } from './screenshots.js';

interface Session {
  workshop: CreateWorkshopResult;
  title: string;
  /** Other workshops to list beside it (created, by the same organiser, before). */
  others: { workshop: CreateWorkshopResult; title: string }[];
}

let once: Promise<Session> | null = null;

function session(srv: TestServer): Promise<Session> {
  once ??= runSession(srv);
  return once;
}

async function api<T>(
  srv: TestServer,
  w: CreateWorkshopResult,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${w.facilitatorKey}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function runSession(srv: TestServer): Promise<Session> {
  const fixture = loadResilienceFixture();
  const workshop = await createWorkshop(srv.url, {
    title: fixture.title,
    groups: fixture.groups.map((g) => ({ name: g.name, prompt: g.prompt })),
    voteBudget: 5,
    language: 'fr',
  });
  const groupOf = new Map(fixture.groups.map((g, i) => [g.key, workshop.groups[i]!.id]));

  // Three people per group.
  const people: JoinResult[] = [];
  for (const g of fixture.groups) {
    for (const p of fixture.participants.filter((x) => x.group === g.key).slice(0, 3)) {
      people.push(
        await joinWorkshop(srv.url, workshop.code, { name: p.name, groupId: groupOf.get(g.key)! }),
      );
    }
  }

  const facilitator = connectSocket(srv.url, workshop.facilitatorKey);
  const phase = async (next: Phase) => {
    const answer = await command(facilitator, 'phase:set', { phase: next });
    if (!answer.ok) throw new Error(`phase ${next}: ${answer.error.code}`);
  };
  await phase('write');

  // Writing: the fixture's recommendations, each group in its own document.
  const docs = new Map<string, YClient>();
  const refs = new Map<string, string>(); // fixture title → `<groupId>/<recId>`
  for (const [g, group] of fixture.groups.entries()) {
    const groupId = workshop.groups[g]!.id;
    const doc = connectDoc(
      srv.url,
      workshop.workshopId,
      groupDocName(groupId),
      workshop.facilitatorKey,
    );
    await synced(doc);
    docs.set(groupId, doc);
    const members = people.filter((p) => p.groupId === groupId);
    fixture.recommendations
      .filter((r) => r.group === group.key)
      .forEach((r, i) => {
        addRecommendation(doc.doc, {
          id: `r${i}`,
          title: r.title,
          body: r.body,
          authorId: members[i % members.length]?.participantId ?? '',
          createdAt: 1_700_000_000_000 + g * 100 + i,
        });
        refs.set(r.title, recommendationTargetId(groupId, `r${i}`));
      });
  }
  const total = fixture.recommendations.length;
  await settled(
    srv,
    workshop,
    (b) => b.groups.reduce((n, g) => n + g.recommendations.length, 0) === total,
  );
  await api(srv, workshop, 'POST', '/snapshots', { label: 'Fin de la rédaction' });

  // The group vote: everyone spends their five dots in their own group.
  await phase('vote');
  for (const [i, person] of people.entries()) {
    const socket = connectSocket(srv.url, person.token);
    const recs = [...refs.values()].filter((ref) => ref.startsWith(`${person.groupId}/`));
    for (const k of [0, 0, 1, 2 + (i % 3), 3 + (i % 2)]) {
      const target = recs[(k + i) % recs.length];
      if (target) await command(socket, 'vote:cast', { targetId: target, delta: 1 });
    }
    socket.close();
  }
  await command(facilitator, 'votes:reveal', { revealed: true });

  // The merge: the fixture's clusters become items of the merged board.
  await phase('merge');
  const plenary = connectDoc(srv.url, workshop.workshopId, PLENARY_DOC, workshop.facilitatorKey);
  await synced(plenary);
  const clusters = new Map<string, string[]>();
  for (const r of fixture.recommendations) {
    if (r.cluster)
      clusters.set(r.cluster, [...(clusters.get(r.cluster) ?? []), refs.get(r.title)!]);
  }
  const merged = [...clusters.entries()].filter(([, sources]) => sources.length > 1).slice(0, 8);
  merged.forEach(([cluster, sources], i) => {
    const first = fixture.recommendations.find((r) => r.cluster === cluster)!;
    // The last cluster waits: it is merged after the snapshot, to show in the comparison.
    addItem(plenary.doc, {
      id: `item${i}`,
      title: first.title,
      body: first.body,
      sources: i === 7 ? sources.slice(0, 1) : sources,
      createdAt: 1_700_000_100_000 + i,
    });
  });
  await settled(srv, workshop, (b) => b.items.length === merged.length);
  await api(srv, workshop, 'POST', '/snapshots', { label: 'Après la synthèse' });

  // After the snapshot: a title reworded, a card withdrawn, one added, one more merge, scores.
  const first = docs.get(workshop.groups[0]!.id)!;
  setField(
    recommendationsMap(first.doc).get('r0')!,
    'title',
    'Réaliser un diagnostic de vulnérabilité partagé à l’échelle du bassin de vie',
  );
  removeRecommendation(docs.get(workshop.groups[4]!.id)!.doc, 'r6');
  addRecommendation(docs.get(workshop.groups[1]!.id)!.doc, {
    id: 'late',
    title: 'Ouvrir les gymnases comme lieux refuges l’été',
    body: 'Avec les clubs sportifs et les associations de quartier.',
    authorId: people[3]?.participantId ?? '',
    createdAt: 1_700_000_200_000,
  });
  addSources(plenary.doc, 'item7', merged[7]![1].slice(1));
  const scores: [number, number][] = [
    [5, 4],
    [4, 2],
    [5, 5],
    [2, 4],
    [3, 3],
    [4, 5],
    [2, 1],
    [5, 2],
  ];
  merged.forEach((_, i) =>
    setItemScores(plenary.doc, `item${i}`, { impact: scores[i]![0], feasibility: scores[i]![1] }),
  );
  await settled(
    srv,
    workshop,
    (b) =>
      b.items.every((i) => i.impact !== null) &&
      b.groups.some((g) => g.recommendations.some((r) => r.id === 'late')) &&
      b.groups[0]!.recommendations.some((r) => r.title.includes('bassin de vie')),
  );

  // The plenary vote.
  await phase('prioritise');
  for (const [i, person] of people.entries()) {
    const socket = connectSocket(srv.url, person.token);
    for (const k of [0, 2, 2, 5, i % 8]) {
      await command(socket, 'vote:cast', {
        targetId: plenaryTargetId(`item${(k + (i % 3)) % merged.length}`),
        delta: 1,
      });
    }
    socket.close();
  }
  facilitator.close();
  plenary.destroy();
  for (const doc of docs.values()) doc.destroy();

  // Two earlier workshops of the same organiser, for the list.
  const others = [];
  for (const [title, groups] of [
    ['Projet de territoire 2030 : atelier des élu·es', ['Mobilités', 'Habitat', 'Économie locale']],
    [
      'Séminaire d’équipe : nos priorités pour l’année',
      ['Clients', 'Outils', 'Organisation', 'Formation'],
    ],
  ] as const) {
    const other = await createWorkshop(srv.url, { title, groups: [...groups], language: 'fr' });
    for (const [i, name] of ['Amina', 'Bastien', 'Claire', 'Diego', 'Élodie'].entries()) {
      await joinWorkshop(srv.url, other.code, {
        name,
        groupId: other.groups[i % other.groups.length]!.id,
      });
    }
    others.push({ workshop: other, title });
  }
  const closer = connectSocket(srv.url, others[1]!.workshop.facilitatorKey);
  await command(closer, 'phase:set', { phase: 'closed' });
  closer.close();
  return { workshop, title: fixture.title, others };
}

interface BoardShape {
  groups: { recommendations: { id: string; title: string }[] }[];
  items: { impact: number | null }[];
}

/** Waits until the server's own board (the export JSON) shows what was written. */
async function settled(
  srv: TestServer,
  w: CreateWorkshopResult,
  check: (board: BoardShape) => boolean,
) {
  await waitFor(async () => check(await api<BoardShape>(srv, w, 'GET', '/export?format=json')), {
    timeout: 10_000,
    message: 'the board on the server',
  });
}

/** A browser that created these workshops (what the landing page stores), newest first. */
async function asOrganiser(page: Page, s: Session) {
  const created = [
    ...s.others.map((o) => ({ ...o.workshop, title: o.title })),
    { ...s.workshop, title: s.title },
  ]
    .reverse()
    .map((w, i) => ({
      workshopId: w.workshopId,
      code: w.code,
      title: w.title,
      facilitatorKey: w.facilitatorKey,
      createdAt: Date.now() - i * 86_400_000,
    }));
  await page.addInitScript(
    (value) => localStorage.setItem('atelier.created', value),
    JSON.stringify(created),
  );
}

async function openList(page: Page, srv: TestServer) {
  const s = await session(srv);
  await asOrganiser(page, s);
  await page.goto(`${srv.url}/organiser`);
  // Each card has loaded its board once its phase shows.
  for (let i = 0; i < 3; i++)
    await page.getByTestId('workshop-card').nth(i).locator('.org-badge').waitFor();
}

async function openSnapshots(page: Page, srv: TestServer) {
  const s = await session(srv);
  await asOrganiser(page, s);
  await page.goto(`${srv.url}/organiser/${s.workshop.code}`);
  await page.getByTestId('comparison').waitFor();
}

async function openReport(page: Page, srv: TestServer, query = '') {
  const s = await session(srv);
  await asOrganiser(page, s);
  await page.goto(`${srv.url}/w/${s.workshop.code}/report${query}`);
  await page.getByTestId('report').waitFor();
}

/** Grows the viewport to the whole page, for shots of a long document. */
async function wholePage(page: Page) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const width = page.viewportSize()?.width ?? 1366;
  await page.setViewportSize({ width, height: Math.min(height, 12_000) });
}

export const ORGANISER_SHOTS: Shot[] = [
  { name: 'organiser', viewport: 'laptop', open: (page, { srv }) => openList(page, srv) },
  {
    name: 'organiser-dark',
    viewport: 'laptop',
    dark: true,
    open: (page, { srv }) => openList(page, srv),
  },
  {
    name: 'organiser-phone',
    viewport: 'phone',
    open: async (page, { srv }) => {
      await openList(page, srv);
      await page.getByText('Revenir dans l’atelier').first().click();
    },
  },
  { name: 'snapshots', viewport: 'laptop', open: (page, { srv }) => openSnapshots(page, srv) },
  {
    name: 'snapshots-dark',
    viewport: 'laptop',
    dark: true,
    open: (page, { srv }) => openSnapshots(page, srv),
  },
  {
    name: 'snapshots-compare-full',
    viewport: 'laptop',
    open: async (page, { srv }) => {
      await openSnapshots(page, srv);
      await wholePage(page);
    },
  },
  {
    name: 'snapshots-phone',
    viewport: 'phone',
    open: async (page, { srv }) => {
      await openSnapshots(page, srv);
      // The list itself, below the header and the save form.
      await page.evaluate(() =>
        document.querySelector('.save')?.scrollIntoView({ block: 'start' }),
      );
    },
  },
  {
    name: 'snapshot-viewer',
    viewport: 'laptop',
    open: async (page, { srv }) => {
      await openSnapshots(page, srv);
      await page
        .getByRole('button', { name: 'Consulter l’instantané « Après la synthèse »' })
        .click();
      await page.getByTestId('snapshot-board').waitFor();
    },
  },
  {
    name: 'restore-dialog-dark',
    viewport: 'laptop',
    dark: true,
    open: async (page, { srv }) => {
      await openSnapshots(page, srv);
      await page
        .getByRole('button', { name: 'Restaurer l’instantané « Fin de la rédaction »' })
        .click();
      await page.getByTestId('confirm-restore').waitFor();
    },
  },
  { name: 'report', viewport: 'laptop', open: (page, { srv }) => openReport(page, srv) },
  {
    name: 'report-dark',
    viewport: 'laptop',
    dark: true,
    open: (page, { srv }) => openReport(page, srv),
  },
  {
    name: 'report-full',
    viewport: 'laptop',
    open: async (page, { srv }) => {
      await openReport(page, srv);
      await wholePage(page);
    },
  },
  {
    name: 'report-print',
    viewport: 'laptop',
    dark: true,
    open: async (page, { srv }) => {
      await openReport(page, srv);
      // An A4 page at 96 dpi, less the margins; dark on screen, still black on white on paper.
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: 680, height: 900 });
      await wholePage(page);
    },
  },
  {
    name: 'report-en-phone',
    viewport: 'phone',
    open: (page, { srv }) => openReport(page, srv, '?lang=en'),
  },
];
