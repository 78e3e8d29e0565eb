// The projection carries the plenary, in real Chromium against a real server: twenty merged items
// at 1920×1080 and 1280×720, every one reachable through pages that turn on their own, titles at
// least 2.5 % of the screen's height, equal totals sharing a rank and no rank before any vote;
// the question of each group and the warning before writing freezes; the matrix and the
// spotlight the facilitator puts on the screen (screen:view, screen:spotlight), from a socket and
// from the console.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectSocket, type TestSocket } from '../helpers/clients.js';
import { ok, refusal, writeItems } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
] as const;

/** A page turns every 12 s: two turns and plenty of slack on a loaded machine (a deadline, not a measure). */
const PAGES_DEADLINE_MS = 100_000;

const GROUPS = [
  {
    name: 'Diagnostic systémique du territoire',
    prompt: 'Comment établir un état des lieux partagé du territoire ?',
  },
  {
    name: 'Cohésion sociale et solidarités',
    prompt: 'Comment faire de la cohésion sociale le ciment de la résilience ?',
  },
  { name: 'Outils d’aide à la décision', prompt: 'Quels outils pour décider ensemble, et vite ?' },
  {
    name: 'Ressources et biens communs',
    prompt: 'Comment protéger l’eau, les sols et l’énergie ?',
  },
  { name: 'Gouvernance', prompt: 'Qui décide, et comment la population y prend-elle part ?' },
  { name: 'Culture du risque', prompt: 'Comment chacun·e apprend-il à vivre avec le risque ?' },
];

/** Long, realistic titles: two lines on the screen, so the layout is tried at its worst. */
const TITLES = Array.from(
  { length: 20 },
  (_, i) =>
    `Recommandation ${i + 1} : créer un réseau de référent·es de quartier formé·es aux gestes de crise`,
);

async function screenKey(w: CreateWorkshopResult): Promise<string> {
  const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.facilitatorKey}` },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { screenKey: string }).screenKey;
}

async function openScreen(
  w: CreateWorkshopResult,
  viewport: { width: number; height: number },
  reducedMotion: 'reduce' | 'no-preference' = 'no-preference',
): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport, reducedMotion });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${srv.url}/w/${w.code}/screen#key=${encodeURIComponent(await screenKey(w))}`);
  await page.getByTestId('screen').waitFor();
  return page;
}

function socket(token: string): TestSocket {
  const s = connectSocket(srv.url, token);
  sockets.push(s);
  return s;
}

/** A workshop of six groups in the plenary vote, twenty merged items from one to three groups each. */
async function plenaryWorkshop() {
  const w = await createWorkshop(srv.url, {
    title: 'Résilience du territoire',
    groups: GROUPS,
    voteBudget: 5,
  });
  const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
  const ben = await joinWorkshop(srv.url, w.code, { name: 'Ben', groupId: w.groups[1]!.id });
  await writeItems(
    srv.url,
    w.workshopId,
    w.facilitatorKey,
    ana.token,
    TITLES.map((title, i) => ({
      id: `i${i}`,
      title,
      sources: [0, 1, 2]
        .slice(0, 1 + (i % 3))
        .map((k) => `${w.groups[(i + k) % GROUPS.length]!.id}/r${i}`),
    })),
  );
  const fac = socket(w.facilitatorKey);
  await ok(fac, 'phase:set', { phase: 'prioritise' });
  return { w, fac, ana: socket(ana.token), ben: socket(ben.token) };
}

/** What the screen shows of each item on its current page: title, rank, title font size, and whether it is in view. */
async function visibleItems(page: Page) {
  return page.getByTestId('screen-item').evaluateAll((nodes) =>
    nodes.map((node) => {
      const title = node.querySelector('[data-testid=screen-item-title]') as HTMLElement;
      const box = node.getBoundingClientRect();
      const titleBox = title.getBoundingClientRect();
      return {
        title: title.textContent ?? '',
        rank: node.querySelector('.rank')?.textContent?.trim() ?? null,
        fontPx: parseFloat(getComputedStyle(title).fontSize),
        animation: getComputedStyle(node).animationName,
        // The whole card on the screen, and its title not cut by the card.
        inView:
          box.top >= 0 &&
          box.bottom <= innerHeight + 0.5 &&
          box.right <= innerWidth + 0.5 &&
          titleBox.bottom <= box.bottom + 0.5,
      };
    }),
  );
}

describe('the projection carries the plenary', () => {
  it('shows every one of twenty items at 1920×1080 and 1280×720 (reduced motion), page by page, large, with ties sharing a rank', async () => {
    const { w, fac, ana, ben } = await plenaryWorkshop();
    // Totals 3, 2, 2, 1 and sixteen items without dots: ranks 1, 2, 2, 4, then 5 for all the rest.
    for (const [voter, targets] of [
      [ana, ['i0', 'i0', 'i0', 'i1', 'i1']],
      [ben, ['i2', 'i2', 'i3']],
    ] as const) {
      for (const id of targets)
        await ok(voter, 'vote:cast', { targetId: `plenary/${id}`, delta: 1 });
    }
    await ok(fac, 'votes:reveal', { revealed: true });

    // The 720p projector's system asks for reduced motion: its pages turn all the same.
    const pages = await Promise.all(
      SIZES.map((size) => openScreen(w, size, size.height === 720 ? 'reduce' : 'no-preference')),
    );
    await Promise.all(
      pages.map(async (page, p) => {
        const size = SIZES[p]!;
        const seen = new Map<string, string | null>();
        const pageLabels = new Set<string>();
        await waitFor(
          async () => {
            const label = (await page.getByTestId('screen-page').textContent())?.trim();
            if (label) pageLabels.add(label);
            for (const item of await visibleItems(page)) {
              expect(
                item.inView,
                `${size.width}×${size.height}: "${item.title}" within the screen`,
              ).toBe(true);
              expect(
                item.fontPx,
                `${size.width}×${size.height}: title size`,
              ).toBeGreaterThanOrEqual(0.025 * size.height);
              // Reduced motion: cards arrive without their fade.
              if (size.height === 720) expect(item.animation).toBe('none');
              else expect(item.animation).not.toBe('none');
              seen.set(item.title, item.rank);
            }
            return seen.size === TITLES.length && pageLabels.size === 2;
          },
          {
            timeout: PAGES_DEADLINE_MS,
            interval: 250,
            message: `every item on the ${size.width}×${size.height} screen`,
          },
        );
        expect([...pageLabels].sort()).toEqual(['Page 1 / 2', 'Page 2 / 2']);
        expect(TITLES.map((title) => seen.get(title))).toEqual([
          '1',
          '2',
          '2',
          '4',
          ...Array(16).fill('5'),
        ]);
      }),
    );
  }, 240_000); // pages turn every 12 s; a busy machine slows the turns

  it('turns its pages while the room keeps voting', async () => {
    const { w, fac, ana } = await plenaryWorkshop();
    await ok(fac, 'votes:reveal', { revealed: true });
    const page = await openScreen(w, SIZES[1]);
    await expect.poll(() => page.getByTestId('screen-page').textContent()).toMatch(/Page 1 \/ 2/);
    // A dot placed and taken back about every 600 ms (under the 4 commands a second a socket may send): the totals keep changing, the pages still turn.
    let voting = true;
    const churn = (async () => {
      while (voting) {
        await ok(ana, 'vote:cast', { targetId: 'plenary/i5', delta: 1 });
        await ok(ana, 'vote:cast', { targetId: 'plenary/i5', delta: -1 });
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
    })();
    try {
      await waitFor(
        async () => /Page 2 \/ 2/.test((await page.getByTestId('screen-page').textContent()) ?? ''),
        {
          timeout: PAGES_DEADLINE_MS,
          interval: 250,
          message: 'the second page while votes arrive',
        },
      );
    } finally {
      voting = false;
      await churn;
    }
  }, 240_000); // pages turn every 12 s; a busy machine slows the turns

  it('shows no rank before the first dot of the plenary vote, then ranks', async () => {
    const { w, fac, ana } = await plenaryWorkshop();
    await ok(fac, 'votes:reveal', { revealed: true });
    const page = await openScreen(w, SIZES[1]);
    const first = page.getByTestId('screen-item').first();
    await expect.poll(() => first.locator('.rank').textContent()).toBe('—');
    const ranks = await page.locator('[data-testid=screen-item] .rank').allTextContents();
    expect(new Set(ranks)).toEqual(new Set(['—']));

    await ok(ana, 'vote:cast', { targetId: 'plenary/i7', delta: 1 });
    await expect.poll(() => first.textContent()).toContain(TITLES[7]);
    expect(await first.locator('.rank').textContent()).toBe('1');
    expect(await page.getByTestId('screen-item').nth(1).locator('.rank').textContent()).toBe('2');
  });

  it('shows each group’s question while writing, and warns before writing freezes', async () => {
    const w = await createWorkshop(srv.url, { title: 'Résilience du territoire', groups: GROUPS });
    const fac = socket(w.facilitatorKey);
    await ok(fac, 'phase:set', { phase: 'write' });
    const page = await openScreen(w, SIZES[1]);
    await expect
      .poll(() => page.getByTestId('screen-prompt').allTextContents())
      .toEqual(GROUPS.map((g) => g.prompt));
    // Each question is on the screen whole: inside its group's tile, not clipped.
    const prompts = await page.getByTestId('screen-prompt').evaluateAll((nodes) =>
      nodes.map((n) => {
        const box = n.getBoundingClientRect();
        const tile = n.closest('[data-testid=screen-group]')!.getBoundingClientRect();
        return {
          whole: n.scrollHeight <= n.clientHeight + 1 && box.height > 0,
          inside: box.bottom <= tile.bottom + 0.5,
          bottom: tile.bottom,
        };
      }),
    );
    for (const prompt of prompts)
      expect(prompt).toEqual({ whole: true, inside: true, bottom: expect.any(Number) });
    for (const prompt of prompts) expect(prompt.bottom).toBeLessThanOrEqual(SIZES[1].height);

    // A timer without the freeze: no warning, even in the last minute.
    await ok(fac, 'timer:start', { seconds: 50 });
    await page.getByTestId('screen-timer').waitFor();
    expect(await page.getByTestId('screen-freeze').count()).toBe(0);

    await ok(fac, 'timer:start', { seconds: 50, freezeAtZero: true });
    await expect
      .poll(() => page.getByTestId('screen-freeze').textContent())
      .toMatch(/^\s*L’écriture se fige dans 0:[0-5]\d\s*$/);
  });

  it('shows the matrix and one item in the spotlight when the facilitator asks, and only the facilitator', async () => {
    const { w, fac, ana } = await plenaryWorkshop();
    const page = await openScreen(w, SIZES[0]);
    await page.getByTestId('screen-item').first().waitFor();

    // Only the facilitator chooses, with a valid payload.
    expect(await refusal(ana, 'screen:view', { view: 'matrix' })).toBe('forbidden');
    expect(await refusal(fac, 'screen:view', { view: 'wall' as 'matrix' })).toBe('invalid_payload');
    expect(await refusal(fac, 'screen:spotlight', { itemId: 'x'.repeat(65) })).toBe(
      'invalid_payload',
    );

    expect(await ok(fac, 'screen:view', { view: 'matrix' })).toEqual({
      view: 'matrix',
      spotlight: null,
    });
    await page.getByTestId('screen-matrix').waitFor();
    expect(await page.getByTestId('screen-matrix').textContent()).toContain('20 éléments à noter');

    await ok(fac, 'screen:spotlight', { itemId: 'i4' });
    await expect
      .poll(() => page.getByTestId('screen-spotlight-title').textContent())
      .toBe(TITLES[4]);
    await ok(fac, 'screen:spotlight', { itemId: null });
    await page.getByTestId('screen-matrix').waitFor();
    await ok(fac, 'screen:view', { view: 'board' });
    await page.getByTestId('screen-board').waitFor();
  });

  it('takes the matrix and the spotlight from the console’s prioritisation to the screen', async () => {
    const { w } = await plenaryWorkshop();
    const screen = await openScreen(w, SIZES[1]);
    const context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 1366, height: 820 },
    });
    contexts.push(context);
    const cockpit = await context.newPage();
    await cockpit.goto(
      `${srv.url}/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
    );
    await cockpit.getByTestId('tab-prioritise').click();
    const row = cockpit.getByTestId('ranked-item').filter({ hasText: TITLES[2]! });
    await row.getByTestId('spotlight').click();
    await expect
      .poll(() => screen.getByTestId('screen-spotlight-title').textContent())
      .toBe(TITLES[2]);
    await expect.poll(() => row.getByTestId('spotlight').getAttribute('aria-pressed')).toBe('true');

    await cockpit
      .getByTestId('screen-controls')
      .getByRole('button', { name: 'Retirer de l’écran' })
      .click();
    await cockpit.getByTestId('screen-view-matrix').click();
    await screen.getByTestId('screen-matrix').waitFor();
    await expect
      .poll(() => cockpit.getByTestId('screen-view-matrix').getAttribute('aria-pressed'))
      .toBe('true');
  });
});
