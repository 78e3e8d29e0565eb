// Screenshots of the projection (imported by scripts/screenshots.ts), every phase at 1920×1080
// and 1280×720, and in a dark-preference browser: one demo workshop with a merged board of more
// than twenty items, taken from the lobby to the close. The shots run in order and each one
// moves the workshop on to its state (lobby, writing with the freeze warning, the vote and its
// results, merging, the plenary vote, the ranking page by page, the matrix, a spotlight, closed).
import type { Page } from 'playwright-core';
import { addItem, readItems, readRecommendations, setItemScores } from '../shared/doc.js';
import {
  groupDocName,
  PLENARY_DOC,
  plenaryTargetId,
  recommendationTargetId,
} from '../shared/ids.js';
import type { Phase } from '../shared/phases.js';
import { joinWorkshop } from '../tests/helpers/api.js';
import {
  command,
  connectDoc,
  connectSocket,
  synced,
  type TestSocket,
  type YClient,
} from '../tests/helpers/clients.js';
import type { TestServer } from '../tests/helpers/server.js';
import { waitFor } from '../tests/helpers/wait.js';
import type { Shot } from './screenshots.js';

/** How many merged items the plenary gets: past one page (twelve). */
const ITEMS = 22;

interface Plenary {
  workshopId: string;
  code: string;
  facilitatorKey: string;
  groups: { id: string; name: string }[];
  facilitator: TestSocket;
  voters: { socket: TestSocket; groupId: string }[];
  itemIds: string[];
  recs: Map<string, string[]>;
  plenary: YClient;
}

let once: Promise<Plenary> | null = null;
const keep: { sockets: TestSocket[]; docs: YClient[] } = { sockets: [], docs: [] };

/** The demo workshop with twenty-two merged items (the best suggestions, then single cards) and eight people online. */
function plenaryWorkshop(srv: TestServer): Promise<Plenary> {
  once ??= (async () => {
    const demo = (await (await fetch(`${srv.url}/api/demo`, { method: 'POST' })).json()) as Omit<
      Plenary,
      'facilitator' | 'voters' | 'itemIds' | 'recs' | 'plenary'
    >;
    const auth = { authorization: `Bearer ${demo.facilitatorKey}` };
    const suggestions = (await (
      await fetch(`${srv.url}/api/workshops/${demo.workshopId}/suggestions`, { headers: auth })
    ).json()) as {
      sources: string[];
    }[];
    const texts = new Map<string, { title: string; body: string }>();
    const recs = new Map<string, string[]>();
    for (const group of demo.groups) {
      const doc = connectDoc(srv.url, demo.workshopId, groupDocName(group.id), demo.facilitatorKey);
      await synced(doc);
      const list = readRecommendations(doc.doc);
      recs.set(
        group.id,
        list.map((r) => r.id),
      );
      for (const rec of list) texts.set(recommendationTargetId(group.id, rec.id), rec);
      doc.destroy();
    }
    const taken = new Set<string>();
    const clusters: string[][] = [];
    for (const s of suggestions) {
      if (clusters.length >= 14) break;
      if (s.sources.some((ref) => taken.has(ref))) continue;
      s.sources.forEach((ref) => taken.add(ref));
      clusters.push(s.sources);
    }
    for (const ref of texts.keys()) {
      if (clusters.length >= ITEMS) break;
      if (!taken.has(ref)) clusters.push([ref]);
    }
    const plenary = connectDoc(srv.url, demo.workshopId, PLENARY_DOC, demo.facilitatorKey);
    await synced(plenary);
    const itemIds = clusters.map((_, i) => `item${i}`);
    clusters.forEach((sources, i) => {
      const first = texts.get(sources[0]!)!;
      addItem(plenary.doc, {
        id: itemIds[i]!,
        title: first.title,
        body: first.body,
        sources,
        createdAt: 1_700_000_000_000 + i,
      });
    });
    const observer = connectDoc(srv.url, demo.workshopId, PLENARY_DOC, demo.facilitatorKey);
    await waitFor(() => readItems(observer.doc).length === clusters.length, {
      message: 'plenary items',
    });
    observer.destroy();
    keep.docs.push(plenary);

    const facilitator = connectSocket(srv.url, demo.facilitatorKey);
    keep.sockets.push(facilitator);
    const voters: Plenary['voters'] = [];
    for (const [g, name] of [
      'Nadia',
      'Yves',
      'Inès',
      'Paul',
      'Léo',
      'Maëlle',
      'Sami',
      'Jeanne',
    ].entries()) {
      const groupId = demo.groups[g % demo.groups.length]!.id;
      const p = await joinWorkshop(srv.url, demo.code, { name, groupId });
      const socket = connectSocket(srv.url, p.token);
      keep.sockets.push(socket);
      voters.push({ socket, groupId });
    }
    return { ...demo, facilitator, voters, itemIds, recs, plenary };
  })();
  return once;
}

/** The states, in the order the shots visit them; each step runs once. */
const STEPS: Record<string, (w: Plenary) => Promise<void>> = {
  lobby: async (w) => {
    await command(w.facilitator, 'phase:set', { phase: 'lobby' as Phase });
    await command(w.facilitator, 'votes:reveal', { revealed: false });
  },
  write: async (w) => {
    await command(w.facilitator, 'phase:set', { phase: 'write' });
    // The last minute of a timer that freezes writing: the warning shows.
    await command(w.facilitator, 'timer:start', { seconds: 45, freezeAtZero: true });
  },
  vote: async (w) => {
    await command(w.facilitator, 'timer:stop', {});
    await command(w.facilitator, 'phase:set', { phase: 'vote' });
    await command(w.facilitator, 'timer:start', { seconds: 4 * 60 + 5 });
    for (const [i, voter] of w.voters.entries()) {
      if (i % 3 === 2) continue;
      const mine = w.recs.get(voter.groupId)!;
      for (const k of [0, 1, 1])
        await command(voter.socket, 'vote:cast', {
          targetId: recommendationTargetId(voter.groupId, mine[k]!),
          delta: 1,
        });
    }
  },
  voteResults: async (w) => {
    await command(w.facilitator, 'timer:stop', {});
    await command(w.facilitator, 'votes:reveal', { revealed: true });
  },
  merge: async (w) => void (await command(w.facilitator, 'phase:set', { phase: 'merge' })),
  prioritise: async (w) => {
    await command(w.facilitator, 'phase:set', { phase: 'prioritise' });
    await command(w.facilitator, 'votes:reveal', { revealed: false });
    await command(w.facilitator, 'timer:start', { seconds: 6 * 60 });
    // Eight voters, five dots each (stacked at times): totals from 7 down to 1, some of them tied.
    const totals = [7, 5, 5, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1];
    const dots = totals.flatMap((n, i) =>
      Array<string>(n).fill(w.itemIds[(i * 5) % w.itemIds.length]!),
    );
    for (const [i, voter] of w.voters.entries()) {
      for (const item of dots.slice(i * 5, i * 5 + 5)) {
        await command(voter.socket, 'vote:cast', { targetId: plenaryTargetId(item), delta: 1 });
      }
    }
  },
  ranked: async (w) => {
    await command(w.facilitator, 'timer:stop', {});
    await command(w.facilitator, 'votes:reveal', { revealed: true });
  },
  matrix: async (w) => {
    const scores = [
      [5, 4],
      [4, 2],
      [2, 5],
      [4, 4],
      [1, 2],
      [5, 5],
      [3, 1],
      [2, 2],
      [4, 5],
      [5, 2],
      [1, 4],
      [3, 3],
      [2, 1],
      [4, 3],
    ];
    scores.forEach(([impact, feasibility], i) =>
      setItemScores(w.plenary.doc, w.itemIds[i]!, { impact, feasibility }),
    );
    await command(w.facilitator, 'screen:view', { view: 'matrix' });
  },
  spotlight: async (w) =>
    void (await command(w.facilitator, 'screen:spotlight', { itemId: w.itemIds[3]! })),
  closed: async (w) => {
    await command(w.facilitator, 'screen:spotlight', { itemId: null });
    await command(w.facilitator, 'screen:view', { view: 'board' });
    await command(w.facilitator, 'phase:set', { phase: 'closed' });
  },
};
const done = new Set<string>();

let screenKey: Promise<string> | null = null;
/** The screen key, asked for once (the same key every time). */
function screenKeyOf(srv: TestServer, w: Plenary): Promise<string> {
  screenKey ??= (async () => {
    const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.facilitatorKey}` },
    });
    if (res.status !== 201) throw new Error(`screen key: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { screenKey: string }).screenKey;
  })();
  return screenKey;
}

/** Opens the projection; dist/client is shared, and while someone rebuilds it the page is briefly missing. */
async function goToScreen(page: Page, srv: TestServer, w: Plenary): Promise<void> {
  const url = `${srv.url}/w/${w.code}/screen#key=${encodeURIComponent(await screenKeyOf(srv, w))}`;
  for (let attempt = 0; ; attempt++) {
    const res = await page.goto(url);
    if (res?.ok() || attempt >= 20) return;
    await page.waitForTimeout(5000);
  }
}

/** One state, three shots: the projector, the 720p projector, and a browser that prefers dark. */
function shotsOf(step: keyof typeof STEPS, ready: (page: Page) => Promise<unknown>): Shot[] {
  const open = async (page: Page, { srv }: { srv: TestServer }) => {
    const w = await plenaryWorkshop(srv);
    if (!done.has(step)) {
      done.add(step);
      await STEPS[step]!(w);
    }
    await goToScreen(page, srv, w);
    try {
      await page.locator(`[data-testid=screen][data-phase]`).waitFor();
      await ready(page);
    } catch (error) {
      process.stderr.write(
        `${step}: the page shows ${JSON.stringify(await page.locator('body').innerText())}\n`,
      );
      throw error;
    }
    // Cards arrive with a short fade: let it finish.
    await page.waitForTimeout(700);
  };
  return [
    { name: `screen-${step}`, viewport: 'projector', open },
    { name: `screen-${step}-720`, viewport: 'projector720', open },
    { name: `screen-${step}-dark`, viewport: 'projector', dark: true, open },
  ];
}

const phase = (p: Phase) => (page: Page) =>
  page.locator(`[data-testid=screen][data-phase=${p}]`).waitFor();

export const SCREEN_SHOTS: Shot[] = [
  ...shotsOf('lobby', async (page) => {
    await phase('lobby')(page);
    await page.locator('[data-testid=qr] svg').waitFor();
  }),
  ...shotsOf('write', async (page) => {
    await phase('write')(page);
    await page.getByTestId('screen-freeze').waitFor();
  }),
  ...shotsOf('vote', async (page) => {
    await phase('vote')(page);
    await page.getByTestId('screen-progress').waitFor();
  }),
  ...shotsOf('voteResults', async (page) => {
    await phase('vote')(page);
    await page.locator('.result li').first().waitFor();
  }),
  ...shotsOf('merge', async (page) => {
    await phase('merge')(page);
    await page.locator('[data-testid=screen-item] .rank').first().waitFor();
  }),
  ...shotsOf('prioritise', async (page) => {
    await phase('prioritise')(page);
    await page.getByTestId('screen-item').first().waitFor();
  }),
  ...shotsOf('ranked', async (page) => {
    await page.locator('[data-testid=screen-item] .rank').first().waitFor();
  }),
  // The second page, once the first has turned (12 s).
  {
    name: 'screen-ranked-page2',
    viewport: 'projector720',
    open: async (page, { srv }) => {
      const w = await plenaryWorkshop(srv);
      await goToScreen(page, srv, w);
      await page
        .getByTestId('screen-page')
        .filter({ hasText: /^\s*Page 2/ })
        .waitFor({ timeout: 30_000 });
      await page.waitForTimeout(600);
    },
  },
  ...shotsOf('matrix', (page) => page.getByTestId('screen-matrix').locator('li').first().waitFor()),
  ...shotsOf('spotlight', (page) => page.getByTestId('screen-spotlight').waitFor()),
  ...shotsOf('closed', async (page) => {
    await phase('closed')(page);
    await page.getByTestId('screen-item').first().waitFor();
  }),
];

export function closeScreenShots(): void {
  for (const socket of keep.sockets) socket.close();
  for (const doc of keep.docs) doc.destroy();
}
