// The facilitator's path in real Chromium against a real server (issue 12): the console's lobby
// shows the join link and its QR code and says what comes next; a join address that only leads
// back to this computer is called out on the console and the projection, and not one that the
// room can reach; the screen page without a key says how to get one; the closing phase leads to
// the report and the exports; a reload without network shows the last phase known, as such.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Phase } from '../../shared/phases.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { launchBrowser } from '../helpers/browser.js';
import { command, connectSocket, type TestSocket } from '../helpers/clients.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { writeItems, writeRecommendations } from '../helpers/realtime.js';
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

async function newPage(viewport = { width: 1280, height: 720 }): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport });
  contexts.push(context);
  return context.newPage();
}

function workshop(server: TestServer): Promise<CreateWorkshopResult> {
  return createWorkshop(server.url, {
    title: 'Résilience des territoires',
    groups: ['Diagnostic', 'Solidarités'],
  });
}

async function openConsole(server: TestServer, w: CreateWorkshopResult): Promise<Page> {
  const page = await newPage();
  await page.goto(
    `${server.url}/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
  );
  await page.locator('[data-testid=connection][data-status=connected]').waitFor();
  return page;
}

async function setPhase(server: TestServer, w: CreateWorkshopResult, phase: Phase): Promise<void> {
  const facilitator = connectSocket(server.url, w.facilitatorKey);
  sockets.push(facilitator);
  expect((await command(facilitator, 'phase:set', { phase })).ok).toBe(true);
}

/** The QR code the page would draw for this address (same library, same options). */
const qrOf = (url: string) =>
  QRCode.toString(url, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
    color: { dark: '#000000', light: '#ffffff' },
  });

/** The QR code's modules (its path data): what a scanner reads, whatever the markup around it. */
const modulesOf = (svg: string) => [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]).join('|');

describe('the console’s lobby', () => {
  it('shows the join link, the code and a QR code of that link, says what to do next, and copies the link', async () => {
    const w = await workshop(srv);
    const page = await openConsole(srv, w);
    const joinUrl = `${srv.url}/w/${w.code}`;

    const join = page.getByTestId('console-join');
    await expect
      .poll(() => page.getByTestId('console-join-url').getAttribute('href'))
      .toBe(joinUrl);
    expect(await page.getByTestId('console-join-url').textContent()).toBe(
      joinUrl.replace(/^http:\/\//, ''),
    );
    expect(await join.textContent()).toContain(w.code);
    expect(await page.getByTestId('next-advice').textContent()).toContain('passez à « Rédaction »');

    await expect
      .poll(() => page.getByTestId('console-qr').innerHTML(), { timeout: 10_000 })
      .toContain('<svg');
    const drawn = await page.getByTestId('console-qr').innerHTML();
    expect(modulesOf(drawn)).not.toBe('');
    expect(modulesOf(drawn)).toBe(modulesOf(await qrOf(joinUrl)));

    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    await page.getByTestId('copy-join').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(joinUrl);
  });

  it('copies the projection link, which opens the screen in another browser', async () => {
    const w = await workshop(srv);
    const page = await openConsole(srv, w);
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    await page.getByTestId('copy-screen-link').click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toMatch(new RegExp(`^${srv.url}/w/${w.code}/screen#key=.+`));
    const link = await page.evaluate(() => navigator.clipboard.readText());

    const projector = await newPage();
    await projector.goto(link);
    await projector.getByTestId('screen-code').waitFor();
    expect(await projector.getByTestId('screen-code').textContent()).toBe(w.code);
  });

  it('says what comes next in each phase, and the closing phase leads to the report and the exports', async () => {
    const w = await workshop(srv);
    const page = await openConsole(srv, w);
    await setPhase(srv, w, 'vote');
    await expect
      .poll(() => page.getByTestId('next-advice').textContent())
      .toContain('toutes ses gommettes');
    await setPhase(srv, w, 'closed');
    await expect
      .poll(() => page.getByTestId('next-step').getAttribute('data-phase'))
      .toBe('closed');
    expect(await page.getByTestId('link-report').getAttribute('href')).toBe(`/w/${w.code}/report`);
    expect(await page.getByTestId('link-exports').getAttribute('href')).toBe(
      `/organiser/${w.code}`,
    );
    await page.getByTestId('link-report').click();
    await page.waitForURL(`${srv.url}/w/${w.code}/report`);
    await expect
      .poll(() => page.locator('h1').first().textContent(), { timeout: 10_000 })
      .toContain('Résilience des territoires');
  });
});

describe('a join address the room cannot reach', () => {
  it('is called out on the console and the projection, with the fix, when it is 127.0.0.1', async () => {
    const w = await workshop(srv);
    const page = await openConsole(srv, w);
    const warning = page.getByTestId('loopback-warning');
    await warning.waitFor();
    const text = (await warning.textContent()) ?? '';
    expect(text).toContain(`127.0.0.1:${srv.port}`);
    expect(text).toContain('HOST=0.0.0.0');

    const screen = await newPage();
    await screen.goto(`${srv.url}/w/${w.code}/screen#key=${encodeURIComponent(w.facilitatorKey)}`);
    await screen.getByTestId('screen-code').waitFor();
    await screen.getByTestId('loopback-warning').waitFor();
    expect(await screen.getByTestId('loopback-warning').textContent()).toContain('HOST=0.0.0.0');
  });

  it('is not called out when the server announces an address the room can reach (PUBLIC_URL)', async () => {
    const reachable = await startServer({ env: { PUBLIC_URL: 'http://192.168.1.20:3000' } });
    try {
      const w = await workshop(reachable);
      const page = await openConsole(reachable, w);
      await expect
        .poll(() => page.getByTestId('console-join-url').getAttribute('href'))
        .toBe(`http://192.168.1.20:3000/w/${w.code}`);
      await expect
        .poll(() => page.getByTestId('console-qr').innerHTML(), { timeout: 10_000 })
        .toContain('<svg');
      expect(await page.getByTestId('loopback-warning').count()).toBe(0);

      const screen = await newPage();
      await screen.goto(
        `${reachable.url}/w/${w.code}/screen#key=${encodeURIComponent(w.facilitatorKey)}`,
      );
      await screen.getByTestId('screen-code').waitFor();
      expect(await screen.getByTestId('join-url').textContent()).toBe(
        `192.168.1.20:3000/w/${w.code}`,
      );
      expect(await screen.getByTestId('loopback-warning').count()).toBe(0);
    } finally {
      await reachable.stop();
    }
  });
});

describe('the screen page without a key', () => {
  it('explains how to get the projection link from the console, and offers to open the screen', async () => {
    const w = await workshop(srv);
    const page = await newPage();
    await page.goto(`${srv.url}/w/${w.code}/screen`);
    await page.getByTestId('key-prompt').waitFor();
    expect(await page.getByTestId('key-explain').textContent()).toContain(
      'Copier le lien de l’écran',
    );
    expect(await page.getByRole('button', { name: 'Ouvrir la console' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Ouvrir l’écran' }).waitFor();
  });
});

describe('a reload without network', () => {
  it('shows the last phase known, says it is the last known, and no “0 en ligne”', async () => {
    const w = await workshop(srv);
    const context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 1280, height: 720 },
    });
    contexts.push(context);
    const alice = await context.newPage();
    await alice.goto(`${srv.url}/w/${w.code}`);
    await alice.getByLabel('Votre prénom').fill('Alice');
    await alice.getByRole('radio', { name: 'Diagnostic' }).check();
    await alice.getByRole('button', { name: 'Entrer dans l’atelier' }).click();
    await alice.locator('[data-testid=connection][data-status=connected]').waitFor();
    // Joined in the lobby; the room has moved on to writing since.
    await setPhase(srv, w, 'write');
    await expect.poll(() => alice.getByTestId('phase').textContent()).toContain('Rédaction');
    await expect.poll(() => alice.locator('.online-count').textContent()).toContain('1 en ligne');
    await expect
      .poll(() => alice.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 15_000,
      })
      .toBe(true);

    await context.setOffline(true);
    await alice.locator('[data-testid=connection][data-status=offline]').waitFor();
    await alice.reload({ waitUntil: 'domcontentloaded', timeout: 15_000 });
    await alice
      .locator('[data-testid=connection][data-status=offline]')
      .waitFor({ timeout: 15_000 });
    expect(await alice.getByTestId('phase').textContent()).toContain('Rédaction');
    expect(await alice.getByTestId('phase').textContent()).not.toContain('Accueil');
    expect(await alice.getByTestId('last-known').textContent()).toContain('dernière phase connue');
    expect(await alice.getByText('0 en ligne').count()).toBe(0);

    await context.setOffline(false);
    await alice
      .locator('[data-testid=connection][data-status=connected]')
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => alice.getByTestId('last-known').count()).toBe(0);
  });
});

describe('the console’s ranking while the room prioritises', () => {
  it('shows no rank before the first dot, and holds still under the facilitator’s pointer until it leaves', async () => {
    const w = await workshop(srv);
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    await writeItems(srv.url, w.workshopId, w.facilitatorKey, ana.token, [
      { id: 'i1', title: 'Premier' },
      { id: 'i2', title: 'Second' },
    ]);
    await setPhase(srv, w, 'prioritise');
    const page = await openConsole(srv, w);
    const rows = page.getByTestId('ranked-item');
    const order = () => rows.locator('.title').allTextContents();
    await expect.poll(order).toEqual(['Premier', 'Second']);
    expect(await page.getByTestId('rank').allTextContents()).toEqual(['—', '—']);
    await page.getByTestId('no-rank-yet').waitFor();

    // The facilitator scores the first item; meanwhile the room puts two dots on the second.
    await rows.first().locator('.title').hover();
    const voter = connectSocket(srv.url, ana.token);
    sockets.push(voter);
    for (let i = 0; i < 2; i++)
      expect((await command(voter, 'vote:cast', { targetId: 'plenary/i2', delta: 1 })).ok).toBe(
        true,
      );
    await expect.poll(() => page.getByTestId('rank').allTextContents()).not.toEqual(['—', '—']);
    await expect.poll(() => rows.nth(1).locator('.total .n').textContent()).toBe('2');
    expect(await order()).toEqual(['Premier', 'Second']);
    expect(await page.getByTestId('rank').allTextContents()).toEqual(['2', '1']);
    await page.getByTestId('ranking-held').waitFor();

    // The pointer leaves the list: the ranking follows the votes again.
    await page.mouse.move(5, 5);
    await expect.poll(order).toEqual(['Second', 'Premier']);
    expect(await page.getByTestId('rank').allTextContents()).toEqual(['1', '2']);
    expect(await page.getByTestId('ranking-held').count()).toBe(0);
  });
});

describe('the join form', () => {
  it('names the characters no code has, instead of asking for 6 letters and digits', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/`);
    await page.locator('#join-code').fill('abc8od');
    await page.getByRole('button', { name: 'Rejoindre', exact: true }).click();
    await expect.poll(() => page.locator('#join-error').textContent()).toContain('B 8 O');
    expect(await page.locator('#join-error').textContent()).not.toContain('lettres et chiffres');
    await page.locator('#join-code').fill('ACD');
    await page.getByRole('button', { name: 'Rejoindre', exact: true }).click();
    await expect
      .poll(() => page.locator('#join-error').textContent())
      .toContain('vous en avez saisi 3');
  });
});

describe('the out-of-dots message', () => {
  it('stays on the participant’s own board, not on another group’s read-only one', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Gommettes',
      groups: ['Diagnostic', 'Solidarités'],
      voteBudget: 1,
    });
    const [diag, soli] = [w.groups[0]!, w.groups[1]!];
    const context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 1280, height: 720 },
    });
    contexts.push(context);
    const alice = await context.newPage();
    await alice.goto(`${srv.url}/w/${w.code}`);
    await alice.getByLabel('Votre prénom').fill('Alice');
    await alice.getByRole('radio', { name: 'Diagnostic' }).check();
    await alice.getByRole('button', { name: 'Entrer dans l’atelier' }).click();
    await alice.locator('[data-testid=connection][data-status=connected]').waitFor();
    const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: soli.id });
    await writeRecommendations(srv.url, w.workshopId, diag.id, w.facilitatorKey, bruno.token, [
      { id: 'a1', title: 'Former les élus' },
    ]);
    await writeRecommendations(srv.url, w.workshopId, soli.id, bruno.token, w.facilitatorKey, [
      { id: 'b1', title: 'Recenser' },
    ]);
    await setPhase(srv, w, 'vote');

    const add = alice.getByRole('button', { name: 'Ajouter une gommette à « Former les élus »' });
    await add.click();
    await expect
      .poll(() => alice.getByTestId('dots-left').getAttribute('data-remaining'))
      .toBe('0');
    await add.click();
    await expect
      .poll(() => alice.getByTestId('vote-error').textContent())
      .toContain('Retirez-en une');

    await alice.getByTestId(`tab-group:${soli.id}`).click();
    await alice.getByText('Recenser').first().waitFor();
    expect((await alice.getByTestId('vote-error').textContent())?.trim()).toBe('');
  });
});
