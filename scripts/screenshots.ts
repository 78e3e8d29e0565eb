// Takes screenshots of every screen in headless Chromium, light and dark, at a laptop, a
// projector and a phone width, into .screenshots/ (for looking at, and for the README).
// Run: node --import tsx scripts/screenshots.ts [filter]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadResilienceFixture } from '../server/demo/fixture.js';
import { addItem, addRecommendation, readItems, readRecommendations } from '../shared/doc.js';
import {
  groupDocName,
  PLENARY_DOC,
  plenaryTargetId,
  recommendationTargetId,
} from '../shared/ids.js';
import type { JoinResult } from '../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../tests/helpers/api.js';
import { launchBrowser } from '../tests/helpers/browser.js';
import {
  command,
  connectDoc,
  connectSocket,
  synced,
  type TestSocket,
  type YClient,
} from '../tests/helpers/clients.js';
import { startServer, type TestServer } from '../tests/helpers/server.js';
import { ORGANISER_SHOTS } from './screenshots-organiser.js';
import { closeScreenShots, SCREEN_SHOTS } from './screenshots-screen.js';
import { waitFor } from '../tests/helpers/wait.js';

/** Where the pngs go: .screenshots/ unless SHOTS_DIR says otherwise (several people at once). */
const OUT = path.resolve(process.env.SHOTS_DIR ?? '.screenshots');
const VIEWPORTS = {
  laptop: { width: 1366, height: 820 },
  projector: { width: 1920, height: 1080 },
  phone: { width: 390, height: 844 },
  /** A 13-inch laptop with the browser's own bars: what is left of 1366×768. */
  small: { width: 1366, height: 680 },
  /** A common classroom projector. */
  projector720: { width: 1280, height: 720 },
} as const;

export interface Shot {
  name: string;
  viewport: keyof typeof VIEWPORTS;
  dark?: boolean;
  /** The browser's language (French unless said). */
  locale?: string;
  /** Prepares the page (navigation, clicks); the screenshot is taken after it resolves. */
  open: (
    page: Page,
    ctx: { srv: TestServer; data: Awaited<ReturnType<typeof seed>> },
  ) => Promise<void>;
}

/** A workshop in full swing: a group of four with eight cards, one of them being written. */
async function seedBoard(srv: TestServer) {
  const fixture = loadResilienceFixture();
  const workshop = await createWorkshop(srv.url, {
    title: fixture.title,
    groups: fixture.groups.map((g) => ({ name: g.name, prompt: g.prompt })),
    voteBudget: 5,
  });
  const groupId = workshop.groups[0]!.id;
  const people: JoinResult[] = [];
  for (const name of ['Camille', 'Karim', 'Sophie', 'Léa']) {
    people.push(await joinWorkshop(srv.url, workshop.code, { name, groupId }));
  }
  const [camille, karim, sophie] = people as [JoinResult, JoinResult, JoinResult, JoinResult];
  const keep: { sockets: TestSocket[]; docs: YClient[] } = { sockets: [], docs: [] };

  // Write the group's cards as the facilitator would restore them, authored by the members.
  const writer = connectDoc(
    srv.url,
    workshop.workshopId,
    groupDocName(groupId),
    workshop.facilitatorKey,
  );
  await synced(writer);
  const recs = fixture.recommendations
    .filter((r) => r.group === fixture.groups[0]!.key)
    .slice(0, 8);
  const ids: string[] = [];
  recs.forEach((r, i) => {
    const id = `rec${i}`;
    ids.push(id);
    addRecommendation(writer.doc, {
      id,
      title: r.title,
      body: r.body,
      authorId: people[i % people.length]!.participantId,
      createdAt: 1_700_000_000_000 + i,
    });
  });
  keep.docs.push(writer);

  // The other groups' boards, and a merged board built from the fixture's clusters.
  const clusters = new Map<string, string[]>();
  for (const [g, group] of fixture.groups.entries()) {
    if (g === 0) continue;
    const other = connectDoc(
      srv.url,
      workshop.workshopId,
      groupDocName(workshop.groups[g]!.id),
      workshop.facilitatorKey,
    );
    await synced(other);
    fixture.recommendations
      .filter((r) => r.group === group.key)
      .forEach((r, i) => {
        addRecommendation(other.doc, {
          id: `r${i}`,
          title: r.title,
          body: r.body,
          authorId: '',
          createdAt: 1_700_000_000_000 + i,
        });
        if (r.cluster)
          clusters.set(r.cluster, [
            ...(clusters.get(r.cluster) ?? []),
            `${workshop.groups[g]!.id}/r${i}`,
          ]);
      });
    keep.docs.push(other);
  }
  recs.forEach((r, i) => {
    const cluster = fixture.recommendations.find((x) => x.title === r.title)?.cluster;
    if (cluster)
      clusters.set(cluster, [
        recommendationTargetId(groupId, ids[i]!),
        ...(clusters.get(cluster) ?? []),
      ]);
  });
  const plenary = connectDoc(srv.url, workshop.workshopId, PLENARY_DOC, workshop.facilitatorKey);
  await synced(plenary);
  const itemIds: string[] = [];
  [...clusters.values()]
    .filter((sources) => sources.length > 1)
    .slice(0, 8)
    .forEach((sources, i) => {
      const [gId, rId] = sources[0]!.split('/');
      const g = workshop.groups.findIndex((x) => x.id === gId);
      const first =
        g === 0
          ? recs[ids.indexOf(rId!)]!
          : fixture.recommendations.filter((r) => r.group === fixture.groups[g]!.key)[
              Number(rId!.slice(1))
            ]!;
      itemIds.push(`item${i}`);
      addItem(plenary.doc, {
        id: `item${i}`,
        title: first.title,
        body: first.body,
        sources,
        createdAt: 1_700_000_100_000 + i,
      });
    });
  keep.docs.push(plenary);

  // Karim and Sophie are online; Karim is writing in the third card.
  for (const p of [karim, sophie]) keep.sockets.push(connectSocket(srv.url, p.token));
  const karimDoc = connectDoc(srv.url, workshop.workshopId, groupDocName(groupId), karim.token);
  await synced(karimDoc);
  karimDoc.provider.awareness.setLocalState({
    user: { participantId: karim.participantId, name: 'Karim', color: '#8A4B00' },
    editing: { recId: ids[2], field: 'body' },
  });
  keep.docs.push(karimDoc);

  const facilitator = connectSocket(srv.url, workshop.facilitatorKey);
  keep.sockets.push(facilitator);
  await command(facilitator, 'phase:set', { phase: 'write' });
  await command(facilitator, 'timer:start', { seconds: 12 * 60 + 34 });

  let voted = false;
  return {
    workshop,
    camille,
    keep,
    /** Moves to the vote, with some of Camille's and the others' dots placed and revealed. */
    async startVote() {
      if (voted) return;
      voted = true;
      await command(facilitator, 'phase:set', { phase: 'vote' });
      await command(facilitator, 'timer:start', { seconds: 4 * 60 + 5 });
      const mine = connectSocket(srv.url, camille.token);
      const theirs = connectSocket(srv.url, karim.token);
      for (const [socket, targets] of [
        [mine, [0, 0, 3]],
        [theirs, [0, 1, 3, 3, 5]],
      ] as const) {
        for (const i of targets)
          await command(socket, 'vote:cast', {
            targetId: recommendationTargetId(groupId, ids[i]!),
            delta: 1,
          });
      }
      mine.close();
      keep.sockets.push(theirs);
      await command(facilitator, 'votes:reveal', { revealed: true });
    },
    /** Moves on to prioritising the merged board, with a few of Camille's dots placed. */
    async startPrioritise() {
      await command(facilitator, 'phase:set', { phase: 'prioritise' });
      await command(facilitator, 'votes:reveal', { revealed: false });
      const mine = connectSocket(srv.url, camille.token);
      for (const i of [0, 2])
        await command(mine, 'vote:cast', { targetId: plenaryTargetId(itemIds[i]!), delta: 1 });
      mine.close();
    },
  };
}

/** Opens the board as Camille (her identity as Workshop.svelte keeps it in localStorage). */
async function openBoard(
  page: Page,
  srv: TestServer,
  board: Awaited<ReturnType<typeof seedBoard>>,
  eightCards = true,
) {
  const { workshop, camille } = board;
  await page.addInitScript(
    ([key, value]) => localStorage.setItem(key!, value!),
    [
      `atelier.identity.${workshop.code}`,
      JSON.stringify({
        participantId: camille.participantId,
        token: camille.token,
        groupId: camille.groupId,
        name: 'Camille',
      }),
    ],
  );
  await page.goto(`${srv.url}/w/${workshop.code}`);
  if (eightCards) await page.getByTestId('card').nth(7).waitFor();
  await page.locator('[data-testid=connection][data-status=connected]').waitFor();
}

async function seed(srv: TestServer) {
  const workshop = await createWorkshop(srv.url, {
    title: 'Comment s’engager et monter en résilience ?',
    groups: [
      {
        name: 'Diagnostic systémique du territoire',
        prompt: 'Comment établir un état des lieux partagé ?',
      },
      {
        name: 'Cohésion sociale et solidarités',
        prompt: 'Comment faire de la cohésion sociale le ciment de la résilience ?',
      },
      { name: 'Outils d’aide à la décision', prompt: 'Quels outils pour décider ensemble ?' },
    ],
  });
  const camille = await joinWorkshop(srv.url, workshop.code, {
    name: 'Camille',
    groupId: workshop.groups[0]!.id,
  });
  return { workshop, camille, board: await seedBoard(srv) };
}

// ---------------------------------------------------------------------------------------------
// The facilitator's console and the projection screen, on the demo workshop (POST /api/demo).

interface Demo {
  workshopId: string;
  code: string;
  facilitatorKey: string;
  groups: { id: string; name: string }[];
}
let demoOnce: Promise<Demo> | null = null;

/** The demo workshop, with the top merge suggestions already merged into the merged board. */
function demoWorkshop(srv: TestServer): Promise<Demo> {
  demoOnce ??= (async () => {
    const res = await fetch(`${srv.url}/api/demo`, { method: 'POST' });
    const demo = (await res.json()) as Demo;
    const auth = { authorization: `Bearer ${demo.facilitatorKey}` };
    const suggestions = (await (
      await fetch(`${srv.url}/api/workshops/${demo.workshopId}/suggestions`, { headers: auth })
    ).json()) as {
      sources: string[];
    }[];
    const titles = new Map<string, { title: string; body: string }>();
    for (const group of demo.groups) {
      const doc = connectDoc(srv.url, demo.workshopId, groupDocName(group.id), demo.facilitatorKey);
      await synced(doc);
      for (const rec of readRecommendations(doc.doc))
        titles.set(recommendationTargetId(group.id, rec.id), rec);
      doc.destroy();
    }
    const plenary = connectDoc(srv.url, demo.workshopId, PLENARY_DOC, demo.facilitatorKey);
    await synced(plenary);
    suggestions.slice(0, 7).forEach((s, i) => {
      const first = titles.get(s.sources[0]!)!;
      addItem(plenary.doc, {
        id: `demo${i}`,
        title: first.title,
        body: first.body,
        sources: s.sources,
        createdAt: Date.now() + i,
      });
    });
    // Closed once another client has received them all from the server.
    const observer = connectDoc(srv.url, demo.workshopId, PLENARY_DOC, demo.facilitatorKey);
    await waitFor(() => readItems(observer.doc).length === Math.min(7, suggestions.length), {
      message: 'demo items',
    });
    observer.destroy();
    plenary.destroy();
    // A few people of the demo are "online": two real participants join each of two groups.
    for (const [g, name] of [
      [0, 'Nadia'],
      [0, 'Yves'],
      [1, 'Inès'],
      [2, 'Paul'],
    ] as const) {
      const p = await joinWorkshop(srv.url, demo.code, { name, groupId: demo.groups[g]!.id });
      demoKeep.sockets.push(connectSocket(srv.url, p.token));
    }
    return demo;
  })();
  return demoOnce;
}
const demoKeep = { sockets: [] as TestSocket[] };

async function openConsole(page: Page, srv: TestServer, demo: Demo) {
  await page.goto(
    `${srv.url}/w/${demo.code}/facilitate#key=${encodeURIComponent(demo.facilitatorKey)}`,
  );
  await page.getByTestId('console-card').nth(40).waitFor();
  await page.locator('[data-testid=connection][data-status=connected]').waitFor();
}

const CONSOLE_SHOTS: Shot[] = [
  {
    name: 'console-groups',
    viewport: 'laptop',
    open: async (page, { srv }) => {
      const demo = await demoWorkshop(srv);
      await openConsole(page, srv, demo);
      await page.getByTestId('tab-groups').click();
    },
  },
  {
    name: 'console-groups-dark',
    viewport: 'laptop',
    dark: true,
    open: async (page, { srv }) => {
      const demo = await demoWorkshop(srv);
      await openConsole(page, srv, demo);
      await page.getByTestId('tab-groups').click();
    },
  },
  {
    name: 'console-merge',
    viewport: 'laptop',
    open: async (page, { srv }) => {
      const demo = await demoWorkshop(srv);
      await openConsole(page, srv, demo);
      await page.getByTestId('suggestion').first().waitFor();
      // Two cards picked: the tray shows what can be done with them.
      await page.getByTestId('pick').nth(1).check();
      await page.getByTestId('pick').nth(9).check();
    },
  },
  {
    name: 'console-merge-dark',
    viewport: 'laptop',
    dark: true,
    open: async (page, { srv }) => {
      const demo = await demoWorkshop(srv);
      await openConsole(page, srv, demo);
      await page.getByTestId('suggestion').first().waitFor();
      await page.getByTestId('panel-items').click();
      await page.getByTestId('plenary-item').first().locator('summary').click();
    },
  },
  {
    name: 'console-prioritise',
    viewport: 'laptop',
    open: async (page, { srv }) => {
      const demo = await demoWorkshop(srv);
      await openConsole(page, srv, demo);
      await page.getByTestId('tab-prioritise').click();
      const rows = page.getByTestId('ranked-item');
      await rows.first().waitFor();
      const scores = [
        [5, 4],
        [4, 2],
        [2, 5],
        [4, 4],
        [1, 2],
      ];
      for (const [i, [impact, feasibility]] of scores.entries()) {
        await rows
          .nth(i)
          .getByRole('radio', { name: new RegExp(`^Impact ${impact} `) })
          .check();
        await rows
          .nth(i)
          .getByRole('radio', { name: new RegExp(`^Faisabilité ${feasibility} `) })
          .check();
      }
      await page.getByRole('heading', { name: 'Classement' }).scrollIntoViewIfNeeded();
    },
  },
  {
    name: 'console-people',
    viewport: 'laptop',
    open: async (page, { srv }) => {
      const demo = await demoWorkshop(srv);
      await openConsole(page, srv, demo);
      await page.getByTestId('tab-people').click();
    },
  },
  {
    name: 'console-phone',
    viewport: 'phone',
    open: async (page, { srv }) => {
      const demo = await demoWorkshop(srv);
      await openConsole(page, srv, demo);
    },
  },
  {
    name: 'console-nokey',
    viewport: 'laptop',
    open: async (page, { srv, data }) => {
      await page.goto(`${srv.url}/w/${data.workshop.code}/facilitate`);
      await page.getByTestId('key-prompt').waitFor();
    },
  },
];

const SHOTS: Shot[] = [
  {
    name: 'landing',
    viewport: 'laptop',
    open: async (page, { srv }) => void (await page.goto(srv.url)),
  },
  {
    name: 'landing-dark',
    viewport: 'laptop',
    dark: true,
    open: async (page, { srv }) => void (await page.goto(srv.url)),
  },
  {
    name: 'landing-phone',
    viewport: 'phone',
    open: async (page, { srv }) => void (await page.goto(srv.url)),
  },
  {
    name: 'join',
    viewport: 'laptop',
    open: async (page, { srv, data }) =>
      void (await page.goto(`${srv.url}/w/${data.workshop.code}`)),
  },
  {
    name: 'board',
    viewport: 'laptop',
    open: (page, { srv, data }) => openBoard(page, srv, data.board),
  },
  {
    name: 'board-dark',
    viewport: 'laptop',
    dark: true,
    open: (page, { srv, data }) => openBoard(page, srv, data.board),
  },
  {
    name: 'board-en',
    viewport: 'laptop',
    locale: 'en-GB',
    open: (page, { srv, data }) => openBoard(page, srv, data.board),
  },
  {
    name: 'board-small',
    viewport: 'small',
    open: (page, { srv, data }) => openBoard(page, srv, data.board),
  },
  {
    name: 'board-phone',
    viewport: 'phone',
    open: (page, { srv, data }) => openBoard(page, srv, data.board),
  },
  {
    name: 'board-other-group',
    viewport: 'laptop',
    open: async (page, { srv, data }) => {
      await openBoard(page, srv, data.board);
      await page.getByRole('button', { name: /Cohésion sociale/ }).click();
      await page.getByTestId('board-title').filter({ hasText: 'Cohésion' }).waitFor();
    },
  },
  {
    name: 'board-vote',
    viewport: 'laptop',
    open: async (page, { srv, data }) => {
      await data.board.startVote();
      await openBoard(page, srv, data.board);
      await page.locator('[data-testid=total]').first().waitFor();
    },
  },
  {
    name: 'board-vote-dark',
    viewport: 'laptop',
    dark: true,
    open: async (page, { srv, data }) => {
      await data.board.startVote();
      await openBoard(page, srv, data.board);
      await page.locator('[data-testid=total]').first().waitFor();
    },
  },
  {
    name: 'board-vote-phone',
    viewport: 'phone',
    open: async (page, { srv, data }) => {
      await data.board.startVote();
      await openBoard(page, srv, data.board);
    },
  },
  {
    name: 'board-prioritise',
    viewport: 'laptop',
    open: async (page, { srv, data }) => {
      await data.board.startPrioritise();
      await openBoard(page, srv, data.board, false);
      await page.getByTestId('card').first().waitFor();
    },
  },
  {
    name: 'board-prioritise-phone',
    viewport: 'phone',
    dark: true,
    open: async (page, { srv, data }) => {
      await openBoard(page, srv, data.board, false);
      await page.getByTestId('card').first().waitFor();
    },
  },
  ...CONSOLE_SHOTS,
  ...SCREEN_SHOTS,
  ...ORGANISER_SHOTS,
];

async function main() {
  const filter = process.argv[2] ?? '';
  mkdirSync(OUT, { recursive: true });
  // The address a room would join at (a LAN address), as on the day; pages are still opened at srv.url.
  const srv = await startServer({ env: { PUBLIC_URL: 'http://192.168.1.20:3000' } });
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    const data = await seed(srv);
    for (const shot of SHOTS.filter((s) => s.name.includes(filter))) {
      const context = await browser.newContext({
        viewport: VIEWPORTS[shot.viewport],
        locale: shot.locale ?? 'fr-FR',
        colorScheme: shot.dark ? 'dark' : 'light',
      });
      const page = await context.newPage();
      await shot.open(page, { srv, data });
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const file = path.join(OUT, `${shot.name}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`${file}\n`);
      await context.close();
    }
    for (const socket of data.board.keep.sockets) socket.close();
    for (const socket of demoKeep.sockets) socket.close();
    closeScreenShots();
    for (const doc of data.board.keep.docs) doc.destroy();
  } finally {
    await browser?.close();
    await srv.stop();
  }
}

await main();
