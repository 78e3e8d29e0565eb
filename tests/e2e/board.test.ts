// The participant board in real Chromium against a real server: co-writing, dot votes, poor
// wifi, coming back after a reload, and the phases that close the board.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, readRecommendations } from '../../shared/doc.js';
import { PLENARY_DOC } from '../../shared/ids.js';
import type { Phase } from '../../shared/phases.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { command, connectDoc, connectSocket, synced, type TestSocket } from '../helpers/clients.js';
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

async function workshop(voteBudget = 5): Promise<CreateWorkshopResult> {
  return createWorkshop(srv.url, {
    title: 'Résilience des territoires',
    groups: [
      { name: 'Diagnostic', prompt: 'Comment établir un état des lieux partagé ?' },
      { name: 'Solidarités', prompt: '' },
    ],
    voteBudget,
  });
}

/** A participant in their own browser context, joined through the join form. */
async function join(w: CreateWorkshopResult, name: string, group = 'Diagnostic'): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1366, height: 768 },
  });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${srv.url}/w/${w.code}`);
  await page.getByLabel('Votre prénom').fill(name);
  await page.getByRole('radio', { name: group }).check();
  await page.getByRole('button', { name: 'Entrer dans l’atelier' }).click();
  await connected(page);
  return page;
}

async function connected(page: Page): Promise<void> {
  await page.locator('[data-testid=connection][data-status=connected]').waitFor();
}

async function setPhase(w: CreateWorkshopResult, phase: Phase): Promise<TestSocket> {
  const facilitator = connectSocket(srv.url, w.facilitatorKey);
  sockets.push(facilitator);
  const answer = await command(facilitator, 'phase:set', { phase });
  expect(answer.ok).toBe(true);
  return facilitator;
}

/** Adds a recommendation through the button and types its title (the new title has the focus). */
async function addCard(page: Page, title: string): Promise<void> {
  const before = await page.getByTestId('card').count();
  await page.getByRole('button', { name: 'Ajouter une recommandation' }).click();
  const field = page.getByTestId('card').nth(before).locator('textarea[name=title]');
  await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.keyboard.type(title);
}

const titleOf = (page: Page, n: number) =>
  page.getByTestId('card').nth(n).locator('textarea[name=title]');
const bodyOf = (page: Page, n: number) =>
  page.getByTestId('card').nth(n).locator('textarea[name=body]');

describe('the group board', () => {
  it('merges two people typing in the same field at once, character by character', async () => {
    const w = await workshop();
    const [alice, bruno] = await Promise.all([join(w, 'Alice'), join(w, 'Bruno')]);
    await addCard(alice, 'Mutualiser les moyens');
    await expect.poll(() => titleOf(bruno, 0).inputValue()).toBe('Mutualiser les moyens');

    // Alice writes at the start, Bruno at the end, at the same time.
    await titleOf(alice, 0).click();
    await alice.keyboard.press('Home');
    await titleOf(bruno, 0).click();
    await bruno.keyboard.press('End');
    await Promise.all([alice.keyboard.type('Vite : '), bruno.keyboard.type(' du territoire')]);

    const merged = 'Vite : Mutualiser les moyens du territoire';
    await expect.poll(() => titleOf(alice, 0).inputValue()).toBe(merged);
    await expect.poll(() => titleOf(bruno, 0).inputValue()).toBe(merged);
    // Each sees who else is writing in the card.
    await bruno.getByRole('img', { name: 'Alice écrit ici' }).waitFor();
  });

  it('lets a participant spend their dots, and says why when none are left', async () => {
    const w = await workshop(2);
    const alice = await join(w, 'Alice');
    await addCard(alice, 'Former les élus');
    await addCard(alice, 'Cartographier les risques');
    await setPhase(w, 'vote');

    const dots = alice.getByTestId('dots-left');
    await expect.poll(() => dots.getAttribute('data-remaining')).toBe('2');
    const add = (title: string) =>
      alice.getByRole('button', { name: `Ajouter une gommette à « ${title} »` });
    await add('Former les élus').click();
    await expect.poll(() => dots.getAttribute('data-remaining')).toBe('1');
    await add('Former les élus').click();
    await expect.poll(() => dots.getAttribute('data-remaining')).toBe('0');
    await expect
      .poll(() =>
        alice.getByTestId('card').nth(0).getByTestId('vote-controls').getAttribute('data-mine'),
      )
      .toBe('2');

    await add('Cartographier les risques').click();
    await expect
      .poll(() => alice.getByTestId('vote-error').textContent())
      .toContain('plus de gommettes');
    expect(await alice.getByTestId('vote-error').isVisible()).toBe(true);
    await expect
      .poll(() =>
        alice.getByTestId('card').nth(1).getByTestId('vote-controls').getAttribute('data-mine'),
      )
      .toBe('0');

    // Totals stay hidden until the facilitator reveals them.
    expect(await alice.getByTestId('total').count()).toBe(0);
    const facilitator = connectSocket(srv.url, w.facilitatorKey);
    sockets.push(facilitator);
    expect((await command(facilitator, 'votes:reveal', { revealed: true })).ok).toBe(true);
    await expect
      .poll(() => alice.getByTestId('card').nth(0).getByTestId('total').textContent())
      .toBe('2 votes');
  });

  it('shows the merged board with its dots while prioritising', async () => {
    const w = await workshop(3);
    const alice = await join(w, 'Alice');
    const plenary = connectDoc(srv.url, w.workshopId, PLENARY_DOC, w.facilitatorKey);
    try {
      await synced(plenary);
      addItem(plenary.doc, {
        id: 'item1',
        title: 'Un plan de continuité partagé',
        body: 'Issu des deux groupes.',
        sources: [`${w.groups[0]!.id}/a`, `${w.groups[1]!.id}/b`],
        createdAt: Date.now(),
      });
      await setPhase(w, 'prioritise');
      await expect
        .poll(() => alice.getByTestId('board-title').textContent())
        .toBe('Tableau de synthèse');
      const card = alice.getByTestId('card').first();
      await expect.poll(() => card.textContent()).toContain('Un plan de continuité partagé');
      expect(await card.locator('textarea').count()).toBe(0);
      await card
        .getByRole('button', { name: 'Ajouter une gommette à « Un plan de continuité partagé »' })
        .click();
      await expect
        .poll(() => card.getByTestId('vote-controls').getAttribute('data-mine'))
        .toBe('1');
      await expect
        .poll(() => alice.getByTestId('dots-left').getAttribute('data-remaining'))
        .toBe('2');
    } finally {
      plenary.destroy();
    }
  });

  it('keeps an edit made offline and delivers it once the connection is back', async () => {
    const w = await workshop();
    const [alice, bruno] = await Promise.all([join(w, 'Alice'), join(w, 'Bruno')]);
    await addCard(alice, 'Plan de continuité');
    await expect.poll(() => titleOf(bruno, 0).inputValue()).toBe('Plan de continuité');

    await alice.context().setOffline(true);
    await alice.locator('[data-testid=connection][data-status=offline]').waitFor();
    await bodyOf(alice, 0).click();
    await alice.keyboard.type('Écrit hors ligne');
    // Loud while changes wait, counted in cards (one card, however many keystrokes).
    await expect
      .poll(() => alice.getByTestId('pending').textContent())
      .toMatch(/1 carte modifiée en attente/);
    expect(await bodyOf(bruno, 0).inputValue()).toBe('');

    await alice.context().setOffline(false);
    await expect
      .poll(() => bodyOf(bruno, 0).inputValue(), { timeout: 15_000 })
      .toBe('Écrit hors ligne');
    await connected(alice);
    expect(await alice.getByTestId('pending').count()).toBe(0);
  });

  it('brings the same person back to the same group with their votes after a reload', async () => {
    const w = await workshop(3);
    const alice = await join(w, 'Alice', 'Solidarités');
    await addCard(alice, 'Recenser les personnes isolées');
    await setPhase(w, 'vote');
    const add = alice.getByRole('button', {
      name: 'Ajouter une gommette à « Recenser les personnes isolées »',
    });
    await add.click();
    await expect
      .poll(() => alice.getByTestId('dots-left').getAttribute('data-remaining'))
      .toBe('2');
    await add.click();
    await expect
      .poll(() => alice.getByTestId('dots-left').getAttribute('data-remaining'))
      .toBe('1');

    await alice.reload();
    await connected(alice);
    expect(await alice.getByTestId('board-title').textContent()).toBe('Solidarités');
    await alice.getByRole('img', { name: 'Alice (vous)' }).waitFor();
    await expect.poll(() => titleOf(alice, 0).inputValue()).toBe('Recenser les personnes isolées');
    await expect.poll(() => alice.getByTestId('vote-controls').getAttribute('data-mine')).toBe('2');
    expect(await alice.getByTestId('dots-left').getAttribute('data-remaining')).toBe('1');
  });

  it('makes everything read-only, and says so, once the workshop is closed', async () => {
    const w = await workshop();
    const alice = await join(w, 'Alice');
    await addCard(alice, 'Exercice de crise annuel');
    await setPhase(w, 'closed');

    await alice.getByTestId('closed-notice').waitFor();
    expect(await alice.getByTestId('closed-notice').textContent()).toContain(
      'plus aucune modification',
    );
    expect(await alice.getByTestId('phase').textContent()).toContain('Clôture');
    expect(await titleOf(alice, 0).getAttribute('readonly')).not.toBeNull();
    expect(await bodyOf(alice, 0).getAttribute('readonly')).not.toBeNull();
    expect(
      await alice.getByRole('button', { name: 'Ajouter une recommandation' }).isDisabled(),
    ).toBe(true);
    expect(await alice.getByRole('button', { name: /Retirer la recommandation/ }).count()).toBe(0);
  });

  it('pauses writing, and says so, when a freezing timer runs out', async () => {
    const w = await workshop();
    const alice = await join(w, 'Alice');
    await addCard(alice, 'Tenir un registre');
    const facilitator = await setPhase(w, 'write');
    expect((await command(facilitator, 'timer:start', { seconds: 1, freezeAtZero: true })).ok).toBe(
      true,
    );

    await alice.getByTestId('frozen-notice').waitFor();
    expect(await alice.getByTestId('timer').textContent()).toContain('Temps écoulé');
    expect(await titleOf(alice, 0).getAttribute('readonly')).not.toBeNull();
    expect(
      await alice.getByRole('button', { name: 'Ajouter une recommandation' }).isDisabled(),
    ).toBe(true);

    expect((await command(facilitator, 'timer:stop', {})).ok).toBe(true);
    await expect.poll(() => titleOf(alice, 0).getAttribute('readonly')).toBeNull();
    expect(await alice.getByTestId('frozen-notice').count()).toBe(0);
  });

  it('follows the participant when the facilitator moves them to another group', async () => {
    const w = await workshop();
    const alice = await join(w, 'Alice');
    const facilitator = connectSocket(srv.url, w.facilitatorKey);
    sockets.push(facilitator);
    const participantId = await alice.evaluate(
      (code) =>
        (JSON.parse(localStorage.getItem(`atelier.identity.${code}`)!) as { participantId: string })
          .participantId,
      w.code,
    );
    const answer = await command(facilitator, 'participant:move', {
      participantId,
      groupId: w.groups[1]!.id,
    });
    expect(answer.ok).toBe(true);
    await expect.poll(() => alice.getByTestId('board-title').textContent()).toBe('Solidarités');
    await alice.getByText('vous a placé·e dans le groupe « Solidarités »').waitFor();
  });

  it('forgets an identity the server no longer knows and asks to join again', async () => {
    const w = await workshop();
    const context = await browser.newContext({ locale: 'fr-FR' });
    contexts.push(context);
    await context.addInitScript(
      ([key, value]) => localStorage.setItem(key!, value!),
      [
        `atelier.identity.${w.code}`,
        JSON.stringify({
          participantId: 'ghost',
          token: 'not-a-valid-token',
          groupId: w.groups[0]!.id,
          name: 'Alice',
        }),
      ],
    );
    const page = await context.newPage();
    await page.goto(`${srv.url}/w/${w.code}`);
    await page.getByTestId('join-notice').waitFor();
    expect(await page.getByTestId('join-notice').textContent()).toContain('Rejoignez-le à nouveau');
    expect(await page.getByLabel('Votre prénom').inputValue()).toBe('Alice');
  });

  it('withdraws a recommendation with a way to undo it', async () => {
    const w = await workshop();
    const alice = await join(w, 'Alice');
    await addCard(alice, 'Carte à retirer');
    await alice
      .getByRole('button', { name: 'Retirer la recommandation « Carte à retirer »' })
      .click();
    await expect.poll(() => alice.getByTestId('card').count()).toBe(0);
    await alice.getByTestId('undo-toast').getByRole('button', { name: 'Annuler' }).click();
    await expect.poll(() => titleOf(alice, 0).inputValue()).toBe('Carte à retirer');
  });
});

/** The recommendation titles a page holds in IndexedDB (every y-indexeddb database of Atelier). */
async function cachedTitles(page: Page): Promise<string[]> {
  const stored = await page.evaluate(async () => {
    const names = (await indexedDB.databases())
      .map((d) => d.name ?? '')
      .filter((name) => name.startsWith('atelier:'));
    const read = (name: string) =>
      new Promise<number[][]>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('updates')) {
            db.close();
            resolve([]);
            return;
          }
          const all = db.transaction('updates', 'readonly').objectStore('updates').getAll();
          all.onsuccess = () => {
            db.close();
            resolve((all.result as Uint8Array[]).map((u) => Array.from(u)));
          };
          all.onerror = () => reject(all.error);
        };
      });
    return Promise.all(names.map(read));
  });
  return stored.flatMap((updates) => {
    const doc = new Y.Doc();
    for (const u of updates) Y.applyUpdate(doc, new Uint8Array(u));
    return readRecommendations(doc).map((r) => r.title);
  });
}

describe('a reload without network', () => {
  it('brings the board back from the laptop’s cache, offline, with the edits made there', async () => {
    const w = await workshop();
    const [alice, bruno] = await Promise.all([join(w, 'Alice'), join(w, 'Bruno')]);
    await addCard(alice, 'Carte gardée hors ligne');
    await expect
      .poll(() => titleOf(bruno, 0).inputValue(), { timeout: 15_000 })
      .toBe('Carte gardée hors ligne');
    // Alice's laptop has the whole title in IndexedDB (y-indexeddb writes each update on its own,
    // a little later than it leaves for the server): what the reload below will find.
    await expect
      .poll(() => cachedTitles(alice), { timeout: 15_000 })
      .toContain('Carte gardée hors ligne');
    // The service worker has taken over the page (it precached the page and its assets on install).
    await expect
      .poll(() => alice.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 15_000,
      })
      .toBe(true);

    await alice.context().setOffline(true);
    await alice.locator('[data-testid=connection][data-status=offline]').waitFor();
    await alice.reload({ waitUntil: 'domcontentloaded', timeout: 15_000 });
    await expect
      .poll(() => titleOf(alice, 0).inputValue(), { timeout: 15_000 })
      .toBe('Carte gardée hors ligne');
    await alice
      .locator('[data-testid=connection][data-status=offline]')
      .waitFor({ timeout: 15_000 });

    await alice.context().setOffline(false);
    await connected(alice);
  });
});
