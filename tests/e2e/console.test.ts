// The facilitator's console and the projection screen in real Chromium against a real server:
// merging two groups' recommendations into the merged board, splitting back with undo, the
// participant and the projection following along, phases driven from the console, the demo.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeRecommendation } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectDoc, synced } from '../helpers/clients.js';
import { writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

async function newPage(viewport = { width: 1366, height: 820 }): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport });
  contexts.push(context);
  return context.newPage();
}

/** Two groups, a participant in each who wrote a recommendation; Alice has the board open. */
async function setting() {
  const w = await createWorkshop(srv.url, {
    title: 'Résilience des territoires',
    groups: ['Diagnostic', 'Solidarités'],
  });
  const [diag, soli] = w.groups as [
    CreateWorkshopResult['groups'][0],
    CreateWorkshopResult['groups'][0],
  ];
  const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: diag.id });
  const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: soli.id });
  await writeRecommendations(srv.url, w.workshopId, diag.id, alice.token, w.facilitatorKey, [
    { id: 'a1', title: 'Cartographier les risques du territoire' },
    { id: 'a2', title: 'Former les élus' },
  ]);
  await writeRecommendations(srv.url, w.workshopId, soli.id, bruno.token, w.facilitatorKey, [
    { id: 'b1', title: 'Recenser les risques avec les habitants' },
  ]);
  return { w, diag, soli, alice, bruno };
}

/** Opens the console as the facilitator link does: the key in the fragment. */
async function openConsole(w: CreateWorkshopResult): Promise<Page> {
  const page = await newPage();
  await page.goto(`${srv.url}/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`);
  await page.locator('[data-testid=connection][data-status=connected]').waitFor();
  return page;
}

/** A participant's board, as Workshop.svelte finds a returning participant (localStorage). */
async function openBoard(w: CreateWorkshopResult, who: JoinResult, name: string): Promise<Page> {
  const page = await newPage();
  await page.addInitScript(
    ([key, value]) => localStorage.setItem(key!, value!),
    [`atelier.identity.${w.code}`, JSON.stringify({ ...who, name })],
  );
  await page.goto(`${srv.url}/w/${w.code}`);
  await page.locator('[data-testid=connection][data-status=connected]').waitFor();
  return page;
}

const card = (page: Page, ref: string) =>
  page.locator(`[data-testid=console-card][data-ref="${ref}"]`);

describe('the facilitator console', () => {
  it('merges two groups’ recommendations into one item that the participant and the projection show with both groups', async () => {
    const { w, diag, soli, alice } = await setting();
    const fac = await openConsole(w);
    // The key has left the address bar, and never went into a query string.
    expect(fac.url()).toBe(`${srv.url}/w/${w.code}/facilitate`);

    // Every group is a live column.
    await fac.getByTestId('tab-groups').click();
    await expect.poll(() => fac.getByTestId('group-column').count()).toBe(2);
    await card(fac, `${diag.id}/a1`).waitFor();
    await card(fac, `${soli.id}/b1`).waitFor();

    // Pick one card in each group, then merge them.
    await fac.getByTestId('tab-merge').click();
    await card(fac, `${diag.id}/a1`).getByTestId('pick').check();
    await card(fac, `${soli.id}/b1`).getByTestId('pick').check();
    await fac.getByTestId('selection-tray').getByText('2 sélectionnées').waitFor();
    await fac.getByTestId('merge').click();

    // The new item carries the first card's title, both sources, and says where it comes from.
    const item = fac.getByTestId('plenary-item');
    await expect.poll(() => item.count()).toBe(1);
    const title = item.locator('textarea[name=title]');
    await expect.poll(() => title.inputValue()).toBe('Cartographier les risques du territoire');
    await expect
      .poll(() => item.getByTestId('provenance').textContent())
      .toMatch(/Groupes\s*Diagnostic\s*et\s*Solidarités/);
    expect(await item.getByTestId('item-source').count()).toBe(2);
    // The cards are marked as merged; the title is edited in place (shared text).
    await card(fac, `${diag.id}/a1`).getByTestId('merged-mark').waitFor();
    await card(fac, `${soli.id}/b1`).getByTestId('merged-mark').waitFor();
    await title.click();
    await fac.keyboard.press('End');
    await fac.keyboard.type(' avec les habitants');
    const merged = 'Cartographier les risques du territoire avec les habitants';

    // The projection opens from the console with its own read-only key.
    const [screen] = await Promise.all([
      fac.context().waitForEvent('page'),
      fac.getByTestId('open-screen').click(),
    ]);
    await screen.setViewportSize({ width: 1920, height: 1080 });
    await screen.getByTestId('screen').waitFor();
    await expect.poll(() => screen.url()).toBe(`${srv.url}/w/${w.code}/screen`);

    // The facilitator moves to prioritising from the stepper: the participant sees the phase
    // and the merged board, with the item and both of its groups.
    const board = await openBoard(w, alice, 'Alice');
    await fac.getByTestId('phase-prioritise').click();
    await expect.poll(() => board.getByTestId('phase').textContent()).toContain('Priorisation');
    const onBoard = board.getByTestId('card').filter({ hasText: merged });
    await onBoard.waitFor();
    const sources = await onBoard.locator('ul.sources').textContent();
    expect(sources).toContain('Diagnostic');
    expect(sources).toContain('Solidarités');

    // The projection shows the item with both groups, and the phase.
    await expect
      .poll(() => screen.getByTestId('screen-phase').textContent())
      .toContain('Priorisation');
    const onScreen = screen.getByTestId('screen-item').filter({ hasText: merged });
    await onScreen.waitFor();
    expect(await onScreen.getByTestId('provenance').textContent()).toMatch(
      /Diagnostic\s*et\s*Solidarités/,
    );
    // Looked at after each run: the projection at 1920×1080, once the item has finished arriving.
    await onScreen.evaluate((el) =>
      Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)),
    );
    mkdirSync(path.resolve('.screenshots'), { recursive: true });
    await screen.screenshot({ path: path.resolve('.screenshots/e2e-screen-prioritise.png') });
  });

  it('splits a source back out with undo, and shows a withdrawn recommendation as such', async () => {
    const { w, diag, soli, bruno } = await setting();
    const fac = await openConsole(w);
    await fac.getByTestId('tab-merge').click();
    await card(fac, `${diag.id}/a1`).getByTestId('pick').check();
    await card(fac, `${soli.id}/b1`).getByTestId('pick').check();
    await fac.getByTestId('merge').click();
    const item = fac.getByTestId('plenary-item');
    await expect.poll(() => item.getByTestId('item-source').count()).toBe(2);

    // Split one source: gone, then back with Undo.
    await item.getByRole('button', { name: /Défusionner « Recenser les risques/ }).click();
    await expect.poll(() => item.getByTestId('item-source').count()).toBe(1);
    expect(await card(fac, `${soli.id}/b1`).getByTestId('merged-mark').count()).toBe(0);
    await fac.getByTestId('undo-toast').getByRole('button', { name: 'Annuler' }).click();
    await expect.poll(() => item.getByTestId('item-source').count()).toBe(2);

    // Bruno withdraws his recommendation: the item says so instead of breaking.
    const doc = connectDoc(srv.url, w.workshopId, groupDocName(soli.id), bruno.token);
    await synced(doc);
    removeRecommendation(doc.doc, 'b1');
    await item.getByTestId('source-gone').waitFor();
    expect(await item.getByTestId('source-gone').textContent()).toBe('recommandation retirée');
    doc.destroy();

    // Splitting the last sources removes the item; Undo brings it back whole.
    await item.getByRole('button', { name: /Défusionner « recommandation retirée »/ }).click();
    await expect.poll(() => item.getByTestId('item-source').count()).toBe(1);
    await item.getByRole('button', { name: /Défusionner « Cartographier/ }).click();
    await expect.poll(() => item.count()).toBe(0);
    await fac.getByTestId('undo-toast').getByRole('button', { name: 'Annuler' }).click();
    await expect.poll(() => item.count()).toBe(1);
    await expect
      .poll(() => item.locator('textarea[name=title]').inputValue())
      .toBe('Cartographier les risques du territoire');
  });

  it('drives the participant’s board: phase, timer and revealed totals', async () => {
    const { w, alice } = await setting();
    const fac = await openConsole(w);
    const board = await openBoard(w, alice, 'Alice');

    await fac.getByTestId('phase-write').click();
    await expect.poll(() => board.getByTestId('phase').textContent()).toContain('Rédaction');
    await fac.getByRole('button', { name: 'Lancer un minuteur de 5 minutes' }).click();
    await expect.poll(() => board.getByTestId('timer').textContent()).toMatch(/^\s*[45]:\d\d\s*$/);
    await fac.getByRole('button', { name: '+1 min' }).click();
    await expect.poll(() => board.getByTestId('timer').textContent()).toMatch(/^\s*[56]:\d\d\s*$/);

    await fac.getByTestId('phase-vote').click();
    await expect.poll(() => board.getByTestId('phase').textContent()).toContain('Vote');
    await board.getByRole('button', { name: 'Ajouter une gommette à « Former les élus »' }).click();
    // The facilitator sees how many have started and how many placed all their dots (counts, never
    // who), and the card's total, before any reveal.
    await expect
      .poll(() => fac.getByTestId('column-started').first().textContent())
      .toContain('1/1 ont commencé');
    expect(await fac.getByTestId('column-voted').first().textContent()).toContain(
      '0/1 ont tout placé',
    );
    await expect
      .poll(() => fac.getByTestId('card-total').first().textContent())
      .toContain('1 vote');
    expect(await board.getByTestId('total').count()).toBe(0);
    await fac.getByTestId('reveal').click();
    await board.getByTestId('total').first().waitFor();
  });

  it('asks for the facilitator link when the page has no key', async () => {
    const { w } = await setting();
    const page = await newPage();
    await page.goto(`${srv.url}/w/${w.code}/facilitate`);
    await page.getByTestId('key-prompt').waitFor();
    await page
      .getByLabel('Lien animateur·rice (ou clé)')
      .fill(`${srv.url}/w/${w.code}/facilitate#key=${w.facilitatorKey}`);
    await page.getByRole('button', { name: 'Ouvrir la console' }).click();
    // In the lobby the console opens on the people; the groups are one click away.
    await page.getByTestId('people').waitFor();
    await page.getByTestId('tab-groups').click();
    await expect.poll(() => page.getByTestId('group-column').count()).toBe(2);
  });
});

describe('the demo workshop', () => {
  it('opens from the landing page into a console with its six groups', async () => {
    const page = await newPage();
    await page.goto(srv.url);
    await page.getByRole('button', { name: 'Essayer un atelier de démonstration' }).click();
    await page.getByTestId('columns').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('group-column').count()).toBe(6);
    expect(page.url()).toMatch(/\/w\/[A-Z0-9]{6}\/facilitate$/);
    // The demo is ready to merge: its cards are there, and suggestions are offered.
    await expect
      .poll(() => page.getByTestId('console-card').count(), { timeout: 10_000 })
      .toBeGreaterThan(40);
    await page.getByTestId('suggestion').first().waitFor();

    // A suggestion dismissed is gone, with a way back; one accepted becomes an item.
    const offered = await page.getByTestId('suggestion').count();
    await page.getByTestId('dismiss').first().click();
    await expect.poll(() => page.getByTestId('suggestion').count()).toBe(offered - 1);
    await page.getByTestId('show-dismissed').click();
    await expect.poll(() => page.getByTestId('suggestion').count()).toBe(offered);
    await page.getByTestId('accept').first().click();
    await expect.poll(() => page.getByTestId('suggestion').count()).toBe(offered - 1);
    await page.getByTestId('panel-items').click();
    const item = page.getByTestId('plenary-item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getByTestId('item-source').count()).toBeGreaterThanOrEqual(2);
  });
});
