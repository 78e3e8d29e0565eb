// Votes are what the room voted on (1.1), in real Chromium against a real server: while the group
// votes its cards hold still and the board says why; a card deleted under someone's dots gives
// them back with a polite notice; a participant the facilitator removes (from the console, after
// a confirmation) is told so on their page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeRecommendation } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import {
  command,
  connectDoc,
  connectSocket,
  handledBy,
  synced,
  type TestSocket,
} from '../helpers/clients.js';
import { writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';

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

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1366, height: 820 },
  });
  contexts.push(context);
  return context.newPage();
}

/** A workshop in phase `vote` whose group Diagnostic holds two cards written by Alice. */
async function votingWorkshop(): Promise<{
  w: CreateWorkshopResult;
  diag: string;
  alice: JoinResult;
}> {
  const w = await createWorkshop(srv.url, {
    title: 'Résilience des territoires',
    groups: ['Diagnostic', 'Solidarités'],
    voteBudget: 5,
  });
  const diag = w.groups[0]!.id;
  const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: diag });
  await writeRecommendations(srv.url, w.workshopId, diag, alice.token, w.facilitatorKey, [
    { id: 'r1', title: 'Former les élus' },
    { id: 'r2', title: 'Cartographier les risques' },
  ]);
  const facilitator = connectSocket(srv.url, w.facilitatorKey);
  sockets.push(facilitator);
  expect((await command(facilitator, 'phase:set', { phase: 'vote' })).ok).toBe(true);
  return { w, diag, alice };
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

const dotsLeft = (page: Page) => page.getByTestId('dots-left').getAttribute('data-remaining');

describe('votes are what the room voted on', () => {
  it('cards hold still during the vote, and dots on a deleted card come back with a notice', async () => {
    const { w, diag, alice } = await votingWorkshop();
    const page = await openBoard(w, alice, 'Alice');

    // Frozen, and the board says why; no bin to delete a card with.
    await page.getByTestId('voting-notice').waitFor();
    expect(await page.getByTestId('voting-notice').textContent()).toContain(
      'Les cartes sont figées pendant le vote',
    );
    const title = page.getByTestId('card').nth(0).locator('textarea[name=title]');
    await expect.poll(() => title.inputValue()).toBe('Former les élus');
    expect(await title.isEditable()).toBe(false);
    expect(await page.getByRole('button', { name: /^Retirer la recommandation/ }).count()).toBe(0);

    const add = page.getByRole('button', { name: 'Ajouter une gommette à « Former les élus »' });
    await add.click();
    await expect.poll(() => dotsLeft(page)).toBe('4');
    await add.click();
    await expect.poll(() => dotsLeft(page)).toBe('3');

    // The facilitator deletes the card the dots are on.
    const fac = connectDoc(srv.url, w.workshopId, groupDocName(diag), w.facilitatorKey);
    try {
      await synced(fac);
      removeRecommendation(fac.doc, 'r1');
      await handledBy(fac);
    } finally {
      fac.destroy();
    }

    const notice = page.getByTestId('returned-notice');
    await expect
      .poll(() => notice.textContent())
      .toContain(
        '2 gommettes vous ont été rendues : la carte « Former les élus » a été supprimée.',
      );
    expect(await notice.getAttribute('role')).toBe('status');
    await expect.poll(() => dotsLeft(page)).toBe('5');
    await expect.poll(() => page.getByTestId('card').count()).toBe(1);

    await notice.getByRole('button', { name: 'Fermer' }).click();
    await expect.poll(() => notice.textContent()).toBe('');
  });

  it('the console removes a person after a confirmation, and their page says they were removed', async () => {
    const { w, alice } = await votingWorkshop();
    const board = await openBoard(w, alice, 'Alice');

    const console = await newPage();
    await console.goto(
      `${srv.url}/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
    );
    await console.locator('[data-testid=connection][data-status=connected]').waitFor();
    await console.getByTestId('tab-people').click();
    await console.getByRole('button', { name: 'Retirer Alice de l’atelier' }).click();

    const dialog = console.getByTestId('remove-dialog');
    await dialog.getByRole('heading', { name: 'Retirer Alice de l’atelier ?' }).waitFor();
    expect(await dialog.textContent()).toContain('ses cartes restent sur le tableau');
    await dialog.getByTestId('remove-confirm').click();

    await expect
      .poll(() => console.getByTestId('people-outcome').textContent())
      .toBe('Alice a été retiré·e de l’atelier.');
    await expect.poll(() => console.getByTestId('person').count()).toBe(0);
    await board.getByTestId('join-notice').waitFor();
    expect(await board.getByTestId('join-notice').textContent()).toBe(
      'Vous avez été retiré·e de l’atelier par l’animateur·rice.',
    );
  });
});
