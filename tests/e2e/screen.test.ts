// The projection screen in real Chromium: read-only, opened with the screen key; the join code,
// address and QR code while people arrive; totals hidden until revealed, then the merged board
// ranked live with its groups.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectSocket, type TestSocket } from '../helpers/clients.js';
import { ok, writeItems } from '../helpers/realtime.js';
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

async function screenKey(w: CreateWorkshopResult): Promise<string> {
  const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.facilitatorKey}` },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { screenKey: string }).screenKey;
}

async function openScreen(w: CreateWorkshopResult): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1920, height: 1080 },
  });
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

describe('the projection screen', () => {
  it('shows the join code, the join address and a QR code while people arrive, with nothing to click', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Résilience',
      groups: ['Diagnostic', 'Solidarités'],
    });
    const page = await openScreen(w);
    // The key has left the address bar.
    expect(page.url()).toBe(`${srv.url}/w/${w.code}/screen`);
    expect(await page.getByTestId('screen-code').textContent()).toBe(w.code);
    expect(await page.getByTestId('join-url').textContent()).toBe(
      `${new URL(srv.url).host}/w/${w.code}`,
    );
    await page.locator('[data-testid=qr] svg').waitFor();
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('link').count()).toBe(0);

    // People arriving are counted live.
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    socket(ana.token);
    await expect
      .poll(() => page.getByTestId('screen-online').textContent())
      .toMatch(/^\s*1\s+participant·e connecté·e/);
  });

  it('keeps the totals hidden until they are revealed, then ranks the merged board live', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Résilience',
      groups: ['Diagnostic', 'Solidarités'],
      voteBudget: 3,
    });
    const [diag, soli] = w.groups;
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: diag!.id });
    await writeItems(srv.url, w.workshopId, w.facilitatorKey, ana.token, [
      {
        id: 'i1',
        title: 'Cartographier les risques',
        sources: [`${diag!.id}/r1`, `${soli!.id}/r2`],
      },
      { id: 'i2', title: 'Former les élus', sources: [`${soli!.id}/r1`] },
    ]);
    const fac = socket(w.facilitatorKey);
    await ok(fac, 'phase:set', { phase: 'prioritise' });
    const voter = socket(ana.token);
    await ok(voter, 'vote:cast', { targetId: 'plenary/i2', delta: 1 });

    const page = await openScreen(w);
    const items = page.getByTestId('screen-item');
    await expect.poll(() => items.count()).toBe(2);
    // Before the reveal: the items, in their own order, without totals or ranks.
    expect(await items.first().textContent()).toContain('Cartographier les risques');
    for (const text of await items.allTextContents()) expect(text).not.toMatch(/vote/i);

    await ok(fac, 'votes:reveal', { revealed: true });
    await expect.poll(() => items.first().textContent()).toContain('Former les élus');
    expect(await items.first().textContent()).toMatch(/^\s*1\s*Former les élus.*1\s*vote/);
    // Each item says which groups it comes from.
    expect(await items.nth(1).getByTestId('provenance').textContent()).toMatch(
      /Diagnostic\s*et\s*Solidarités/,
    );

    // More dots on the other item: the ranking follows live.
    await ok(voter, 'vote:cast', { targetId: 'plenary/i1', delta: 1 });
    await ok(voter, 'vote:cast', { targetId: 'plenary/i1', delta: 1 });
    await expect.poll(() => items.first().textContent()).toContain('Cartographier les risques');
  });
});
