// Keyboard and screen reader paths (issue 15) in real Chromium against a real server: focus after
// submitting the code and joining, the skip link to the cards, a card costing its vote buttons
// only while voting, the undo toast reached at once and closed with Escape, the live region
// saying a teammate's card and the last minute, the keyboard merge (as short as the mouse's) and
// a suggestion accepted with one key, the statement's contact, and reflow at 320 px.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectSocket, type TestSocket } from '../helpers/clients.js';
import { ok, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';

const CONTACT = 'accessibilite@exemple.fr';
const SHOTS = path.resolve('.screenshots');

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  srv = await startServer({ env: { ACCESSIBILITY_CONTACT: CONTACT } });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport });
  contexts.push(context);
  return context.newPage();
}

async function openBoard(
  w: CreateWorkshopResult,
  who: JoinResult,
  name: string,
  page?: Page,
): Promise<Page> {
  const p = page ?? (await newPage());
  await p.addInitScript(
    ([key, value]) => localStorage.setItem(key!, value!),
    [`atelier.identity.${w.code}`, JSON.stringify({ ...who, name })],
  );
  await p.goto(`${srv.url}/w/${w.code}`);
  await p.locator('[data-testid=connection][data-status=connected]').waitFor();
  return p;
}

/** What has the focus: its tag, test id, accessible label and text, for assertions. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      testid: el?.dataset.testid ?? '',
      label: el?.getAttribute('aria-label') ?? '',
      text: (el?.textContent ?? '').trim(),
      name: el?.getAttribute('name') ?? '',
    };
  });

const liveText = (page: Page) => page.getByTestId('live-region').textContent();

function facilitator(w: CreateWorkshopResult): TestSocket {
  const s = connectSocket(srv.url, w.facilitatorKey);
  sockets.push(s);
  return s;
}

describe('keyboard paths', () => {
  it('puts focus on the join form’s heading after the code, then on the board’s heading after joining', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Résilience des territoires',
      groups: ['Diagnostic'],
    });
    const page = await newPage();
    await page.goto(`${srv.url}/`);
    await page.locator('#join-code').fill(w.code);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).tag).toBe('h1');
    expect((await focused(page)).text).toBe('Résilience des territoires');

    await page.locator('#name').fill('Alice');
    await page.locator('#name').press('Enter');
    await expect.poll(async () => (await focused(page)).testid).toBe('board-title');
    expect((await focused(page)).text).toBe('Diagnostic');
  });

  it('skips to the cards, and while voting a card costs its vote buttons only', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Atelier',
      groups: ['Diagnostic'],
      voteBudget: 3,
    });
    const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
    await writeRecommendations(
      srv.url,
      w.workshopId,
      w.groups[0]!.id,
      alice.token,
      w.facilitatorKey,
      [
        { id: 'a1', title: 'Cartographier les risques' },
        { id: 'a2', title: 'Former les élus' },
      ],
    );
    const fac = facilitator(w);
    await ok(fac, 'phase:set', { phase: 'write' });
    const page = await openBoard(w, alice, 'Alice');
    await page.getByTestId('card').nth(1).waitFor();

    // Writing: the skip link leads to the first card's title.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Aller au tableau');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'textarea', name: 'title' });

    // Voting: from the same place, one stop per card (its +; − is off with no dot on it).
    await ok(fac, 'phase:set', { phase: 'vote' });
    await page.getByTestId('vote-controls').nth(1).waitFor();
    await page.locator('#cards').focus();
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toMatch(/Cartographier les risques/);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('vote-controls').first().getAttribute('data-mine'))
      .toBe('1');
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toMatch(/Former les élus/);
  });

  it('reaches the undo toast at once from the keyboard, and Escape closes it and gives focus back', async () => {
    const w = await createWorkshop(srv.url, { title: 'Atelier', groups: ['Diagnostic'] });
    const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
    await writeRecommendations(
      srv.url,
      w.workshopId,
      w.groups[0]!.id,
      alice.token,
      w.facilitatorKey,
      [
        { id: 'a1', title: 'Cartographier les risques' },
        { id: 'a2', title: 'Former les élus' },
      ],
    );
    await ok(facilitator(w), 'phase:set', { phase: 'write' });
    const page = await openBoard(w, alice, 'Alice');
    await page.getByTestId('card').nth(1).waitFor();

    await page.getByRole('button', { name: /Cartographier les risques/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('undo-toast').waitFor();
    await expect.poll(async () => (await focused(page)).text).toBe('Annuler');

    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('undo-toast').count()).toBe(0);
    const back = await focused(page);
    expect(back.tag).not.toBe('body');
    expect(await page.getByTestId('card').count()).toBe(1);
  });
});

describe('the keyboard merge (issue 15)', () => {
  /** Three groups of two cards, in the merge phase; the console open on its merge tab. */
  async function mergeSetting(cards: [string, string][]) {
    const w = await createWorkshop(srv.url, {
      title: 'Atelier',
      groups: ['Diagnostic', 'Solidarités', 'Mobilités'],
    });
    for (const [index, group] of w.groups.entries()) {
      const who = await joinWorkshop(srv.url, w.code, { name: `P${index}`, groupId: group.id });
      await writeRecommendations(
        srv.url,
        w.workshopId,
        group.id,
        who.token,
        w.facilitatorKey,
        cards[index]!.map((title, n) => ({ id: `r${n}`, title })),
      );
    }
    await ok(facilitator(w), 'phase:set', { phase: 'merge' });
    const page = await newPage();
    await page.goto(
      `${srv.url}/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
    );
    await page.locator('[data-testid=connection][data-status=connected]').waitFor();
    await expect.poll(() => page.getByTestId('console-card').count()).toBe(6);
    return { w, page };
  }

  it('merges three cards from three groups with no more keys than the mouse’s clicks and a few moves', async () => {
    const { w, page } = await mergeSetting([
      ['Cartographier les risques', 'Former les élus'],
      ['Aider les voisins isolés', 'Recenser les risques avec les habitants'],
      ['Des navettes vers la gare', 'Un plan des risques pour chaque commune'],
    ]);
    const [g1, g2, g3] = w.groups.map((g) => g.id);
    // Each column is one tab stop.
    expect(
      await page.locator('[data-testid=pick][tabindex="0"]').count(),
      'one stop per column',
    ).toBe(3);
    // Every key from the page as it opens, the skip link first.
    let keys = 0;
    const press = async (key: string) => {
      keys += 1;
      await page.keyboard.press(key);
    };
    await press('Tab');
    expect((await focused(page)).text).toBe('Aller au contenu');
    await press('Enter');
    await press('Tab'); // the first column's first card
    expect(await focused(page)).toMatchObject({ tag: 'input', testid: 'pick' });
    await press('Space');
    await press('ArrowRight'); // the second column, same height
    await press('ArrowDown');
    await press('Space');
    await press('ArrowRight');
    await press('Space');
    const picked = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('[data-testid=pick]')]
        .filter((box) => box.checked)
        .map((box) => box.closest<HTMLElement>('[data-ref]')!.dataset.ref),
    );
    expect(picked.sort()).toEqual([`${g1}/r0`, `${g2}/r1`, `${g3}/r1`].sort());
    // The count is said, and the shortcut is shown and declared.
    await expect.poll(() => liveText(page), { timeout: 15_000 }).toContain('3 sélectionnées');
    const mergeButton = page.getByTestId('merge');
    expect(await mergeButton.getAttribute('aria-keyshortcuts')).toContain('Control+Enter');
    expect(await page.getByTestId('merge-shortcut').textContent()).toContain('Entrée');
    await press('Control+Enter');

    // The mouse path: three ticks and the Merge button. The keys: three to reach the cards (skip
    // link), three picks, three moves, one merge (docs/accessibility.md).
    const clicks = 4;
    expect(keys).toBe(10);
    expect(keys - clicks).toBeLessThanOrEqual(6);

    const item = page.getByTestId('plenary-item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getByTestId('item-source').count()).toBe(3);
    expect(await item.locator('textarea[name=title]').inputValue()).toBe(
      'Cartographier les risques',
    );
    // The keyboard is in the new item, on its title.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el?.closest('[data-testid=plenary-item]') ? el.getAttribute('name') : null;
        }),
      )
      .toBe('title');
  });

  it('accepts a suggestion with one key, and the next suggestion takes the focus', async () => {
    const { page } = await mergeSetting([
      [
        'Installer des composteurs collectifs dans chaque quartier',
        'Une navette électrique vers la gare',
      ],
      ['Des composteurs collectifs dans tous les quartiers', 'Aider les voisins isolés'],
      ['Créer une navette électrique pour la gare', 'Former les élus'],
    ]);
    const suggestions = page.getByTestId('suggestion');
    await expect.poll(() => suggestions.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const offered = await suggestions.count();
    // The list is one tab stop: only the first suggestion's buttons are in the tab order.
    expect(await page.locator('[data-testid=suggestion] button:not([tabindex="-1"])').count()).toBe(
      await suggestions.first().locator('button').count(),
    );

    await suggestions.first().getByTestId('accept').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => suggestions.count()).toBe(offered - 1);
    await expect.poll(async () => (await focused(page)).testid).toBe('accept');
    await page.keyboard.press('Enter');
    await expect.poll(() => suggestions.count()).toBe(offered - 2);
    await page.getByTestId('panel-items').click();
    await expect.poll(() => page.getByTestId('plenary-item').count()).toBe(2);
  });
});

describe('what the live region says', () => {
  it('says a teammate’s new card and the start of the last minute', async () => {
    const w = await createWorkshop(srv.url, { title: 'Atelier', groups: ['Diagnostic'] });
    const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
    const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: w.groups[0]!.id });
    const fac = facilitator(w);
    await ok(fac, 'phase:set', { phase: 'write' });
    const page = await openBoard(w, alice, 'Alice');
    await page.getByTestId('live-region').waitFor({ state: 'attached' });

    await writeRecommendations(
      srv.url,
      w.workshopId,
      w.groups[0]!.id,
      bruno.token,
      w.facilitatorKey,
      [{ id: 'b1', title: 'Recenser les risques avec les habitants' }],
    );
    await expect
      .poll(() => liveText(page), { timeout: 15_000 })
      .toContain(
        'Nouvelle recommandation dans le groupe : Recenser les risques avec les habitants.',
      );

    // A countdown that crosses one minute left while the page is open.
    await ok(fac, 'timer:start', { seconds: 62 });
    await expect.poll(() => liveText(page), { timeout: 30_000 }).toContain('Plus qu’une minute.');
  });
});

describe('what the console’s live region says', () => {
  it('says who joins once the console is open, not who was there before', async () => {
    const w = await createWorkshop(srv.url, { title: 'Atelier', groups: ['Diagnostic'] });
    await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
    const page = await newPage();
    await page.goto(
      `${srv.url}/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
    );
    await page.locator('[data-testid=connection][data-status=connected]').waitFor();

    const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: w.groups[0]!.id });
    sockets.push(connectSocket(srv.url, bruno.token));
    await expect
      .poll(() => liveText(page), { timeout: 15_000 })
      .toContain('Bruno a rejoint l’atelier.');
    expect(await liveText(page)).not.toContain('Alice');
  });
});

describe('the accessibility statement', () => {
  it('is in the RGAA’s shape, linked from the home page, with the configured contact', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/`);
    await page.getByRole('link', { name: 'Accessibilité : partiellement conforme' }).click();
    await expect.poll(() => page.url()).toBe(`${srv.url}/accessibilite`);
    await expect.poll(async () => (await focused(page)).text).toBe('Déclaration d’accessibilité');
    for (const heading of [
      'État de conformité',
      'Contenus non accessibles',
      'Établissement de cette déclaration',
      'Retour d’information et contact',
      'Voies de recours',
    ])
      await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
    expect(await page.getByTestId('conformity').textContent()).toContain('partiellement conforme');
    const contact = page.getByTestId('accessibility-contact').getByRole('link', { name: CONTACT });
    expect(await contact.getAttribute('href')).toBe(`mailto:${CONTACT}`);
  });
});

describe('reflow and text size', () => {
  /** Whether the page scrolls sideways (WCAG 1.4.10: it must not at 320 CSS pixels). */
  const overflows = (page: Page) =>
    page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );

  it('shows the join form and the board at 320 px without sideways scrolling, and at 200 % text', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Résilience des territoires',
      groups: ['Diagnostic', 'Solidarités'],
    });
    const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
    await writeRecommendations(
      srv.url,
      w.workshopId,
      w.groups[0]!.id,
      alice.token,
      w.facilitatorKey,
      [{ id: 'a1', title: 'Cartographier les risques du territoire avec les communes' }],
    );
    await ok(facilitator(w), 'phase:set', { phase: 'write' });

    const join = await newPage({ width: 320, height: 640 });
    await join.goto(`${srv.url}/w/${w.code}`);
    await join.locator('#name').waitFor();
    await join.screenshot({ path: path.join(SHOTS, 'a11y-join-320.png'), fullPage: true });
    expect(await overflows(join)).toBeLessThanOrEqual(0);

    const board = await openBoard(w, alice, 'Alice', await newPage({ width: 320, height: 640 }));
    await board.getByTestId('card').first().waitFor();
    await board.screenshot({ path: path.join(SHOTS, 'a11y-board-320.png'), fullPage: true });
    expect(await overflows(board)).toBeLessThanOrEqual(0);

    // Text at 200 % on a 640 px wide window: the same reflow must hold.
    await board.setViewportSize({ width: 640, height: 800 });
    await board.evaluate(() => (document.documentElement.style.fontSize = '200%'));
    await board.screenshot({ path: path.join(SHOTS, 'a11y-board-text200.png'), fullPage: true });
    expect(await overflows(board)).toBeLessThanOrEqual(0);
  });
});
