// Reflow (WCAG 1.4.10) and text at 200 % (1.4.4) on the pages beyond the participant's (issue 15):
// at 320 CSS pixels, and with text doubled on a 640-pixel window, no page scrolls sideways.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let browser: Browser;
let w: CreateWorkshopResult;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  w = await createWorkshop(srv.url, {
    title: 'Résilience des territoires face aux crises climatiques et sociales',
    groups: ['Diagnostic systémique du territoire', 'Cohésion sociale et solidarités'],
  });
  const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
  await writeRecommendations(
    srv.url,
    w.workshopId,
    w.groups[0]!.id,
    alice.token,
    w.facilitatorKey,
    [
      {
        id: 'a1',
        title: 'Cartographier les vulnérabilités du territoire avec les communes voisines',
      },
    ],
  );
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

/** How many CSS pixels the page scrolls sideways (0 when it reflows). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function open(path: string, width: number, prepare?: (page: Page) => Promise<unknown>) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 700 } });
  contexts.push(context);
  const page = await context.newPage();
  await prepare?.(page);
  await page.goto(`${srv.url}${path}`);
  await page.locator('h1').first().waitFor();
  return page;
}

describe('reflow at 320 px and text at 200 %', () => {
  const pages: [string, () => string, ((page: Page) => Promise<unknown>)?][] = [
    ['home', () => '/'],
    [
      'facilitator console',
      () => `/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
    ],
    ['organiser home', () => '/organiser'],
    [
      'organiser’s workshop page',
      () => `/organiser/${w.code}#key=${encodeURIComponent(w.facilitatorKey)}`,
    ],
    ['report', () => `/w/${w.code}/report#key=${encodeURIComponent(w.facilitatorKey)}`],
    ['accessibility statement', () => '/accessibilite'],
    ['page not found', () => '/nulle-part'],
  ];
  for (const [name, path, prepare] of pages) {
    it(`${name}: no sideways scrolling at 320 px, nor with text doubled at 640 px`, async () => {
      const narrow = await open(path(), 320, prepare);
      expect(await overflow(narrow)).toBeLessThanOrEqual(0);
      const doubled = await open(path(), 640, prepare);
      await doubled.evaluate(() => (document.documentElement.style.fontSize = '200%'));
      expect(await overflow(doubled)).toBeLessThanOrEqual(0);
    });
  }
});
