// The RGAA asks for the compliance status on every page, linked to the accessibility statement
// (issue 15): checked in Chromium on every page a person uses, and its absence on the projection
// (a display with nothing to click).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let browser: Browser;
let w: CreateWorkshopResult;
let alice: JoinResult;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  w = await createWorkshop(srv.url, { title: 'Déclaration', groups: ['A', 'B'] });
  alice = await joinWorkshop(srv.url, w.code, { name: 'Alice' });
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

async function open(path: string, prepare?: (page: Page) => Promise<unknown>): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR' });
  contexts.push(context);
  const page = await context.newPage();
  await prepare?.(page);
  await page.goto(`${srv.url}${path}`);
  await page.locator('h1').first().waitFor();
  return page;
}

const statementLink = (page: Page) =>
  page.getByRole('link', { name: 'Accessibilité : partiellement conforme' });

describe('the accessibility status on every page', () => {
  const pages: [string, () => string, ((page: Page) => Promise<unknown>)?][] = [
    ['home', () => '/'],
    ['join form', () => `/w/${w.code}`],
    [
      'participant board',
      () => `/w/${w.code}`,
      (page) =>
        page.addInitScript(
          ([key, value]) => localStorage.setItem(key!, value!),
          [`atelier.identity.${w.code}`, JSON.stringify({ ...alice, name: 'Alice' })],
        ),
    ],
    [
      'facilitator console',
      () => `/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
    ],
    ['organiser home', () => '/organiser'],
    ['statement itself', () => '/accessibilite'],
    ['page not found', () => '/nulle-part'],
  ];

  for (const [name, path, prepare] of pages) {
    it(`${name}: one link, named as it reads, leading to the statement`, async () => {
      const page = await open(path(), prepare);
      const link = statementLink(page);
      await link.waitFor();
      expect(await link.count()).toBe(1);
      expect(await link.getAttribute('href')).toBe('/accessibilite');
    });
  }

  it('the link opens the statement without a reload', async () => {
    const page = await open(`/w/${w.code}`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await statementLink(page).click();
    await page.getByRole('heading', { level: 1, name: /accessibilité/i }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/accessibilite');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  it('the projection, which has nothing to click, carries none', async () => {
    const page = await open(`/w/${w.code}/screen`);
    expect(await statementLink(page).count()).toBe(0);
  });
});
