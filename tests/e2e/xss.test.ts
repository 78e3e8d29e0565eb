// What participants and facilitators type is shown as text, never run: hostile strings in a
// workshop's title, group names, a participant's name, a card's title and body, rendered on the
// participant board, the console, the projection and the report, with the Content-Security-Policy
// bypassed, so that escaping alone is what is tested.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectDoc, synced } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addRecommendation } from '../../shared/doc.js';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await srv?.stop();
});

/** Each string sets window.__xss to its number if it ever runs. */
const HOSTILE = {
  title: '<img src=x onerror="window.__xss=1">Atelier',
  group: '<svg onload="window.__xss=2">Groupe',
  name: '<script>window.__xss=3</script>Eve',
  cardTitle: '<img src=y onerror=window.__xss=4> carte',
  cardBody: '[lien](javascript:window.__xss=5) <iframe src="javascript:window.__xss=6"></iframe>',
};

async function page(init?: (context: BrowserContext) => Promise<void>): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    bypassCSP: true,
    viewport: { width: 1366, height: 820 },
  });
  contexts.push(context);
  if (init) await init(context);
  const p = await context.newPage();
  p.on('dialog', (d) => void d.dismiss());
  return p;
}

/** Waits until `visible` is on the page, as text or as a field's value, then checks nothing ran. */
async function expectInert(p: Page, visible: string): Promise<void> {
  await p.waitForFunction(
    (text) =>
      document.body.innerText.includes(text) ||
      [...document.querySelectorAll('input, textarea')].some((f) =>
        (f as HTMLInputElement).value.includes(text),
      ),
    visible,
    { timeout: 15_000 },
  );
  // Give any injected handler (an image error, an SVG load) the time to fire.
  await p.waitForLoadState('networkidle');
  expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(
    await p
      .locator(
        'img[src="x"], img[src="y"], iframe[src^="javascript"], a[href^="javascript"], script:not([src])',
      )
      .count(),
  ).toBe(0);
}

describe('hostile text', () => {
  it('is shown as text and never runs on the board, the console, the projection and the report', async () => {
    const w = await createWorkshop(srv.url, { title: HOSTILE.title, groups: [HOSTILE.group] });
    const groupId = w.groups[0]!.id;
    const eve = await joinWorkshop(srv.url, w.code, { name: HOSTILE.name, groupId });
    const writer = connectDoc(srv.url, w.workshopId, groupDocName(groupId), eve.token);
    await synced(writer);
    addRecommendation(writer.doc, {
      id: 'r1',
      title: HOSTILE.cardTitle,
      body: HOSTILE.cardBody,
      authorId: eve.participantId,
      createdAt: Date.now(),
    });

    const board = await page(async (context) => {
      await context.addInitScript(
        ([key, value]) => localStorage.setItem(key!, value!),
        [`atelier.identity.${w.code}`, JSON.stringify({ ...eve, name: HOSTILE.name })],
      );
    });
    await board.goto(`${srv.url}/w/${w.code}`);
    await expectInert(board, HOSTILE.cardTitle);

    const console = await page();
    await console.goto(
      `${srv.url}/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
    );
    await expectInert(console, HOSTILE.group);

    const screenKey = (await (
      await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.facilitatorKey}` },
      })
    ).json()) as { screenKey: string };
    const screen = await page();
    await screen.goto(
      `${srv.url}/w/${w.code}/screen#key=${encodeURIComponent(screenKey.screenKey)}`,
    );
    await expectInert(screen, HOSTILE.title);

    const report = await page(async (context) => {
      await context.addInitScript(
        (value) => localStorage.setItem('atelier.created', value),
        JSON.stringify([
          {
            workshopId: w.workshopId,
            code: w.code,
            title: HOSTILE.title,
            facilitatorKey: w.facilitatorKey,
            createdAt: Date.now(),
          },
        ]),
      );
    });
    await report.goto(`${srv.url}/w/${w.code}/report`);
    await expectInert(report, HOSTILE.cardTitle);
    writer.destroy();
  });
});
