// The organiser page offers the office exports in real Chromium: buttons grouped under
// "Compte rendu" and "Tableau", each named by the format it shows, and the files they save open.
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
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

const TITLE = 'Énergie partagée';

/** The organiser page of `w`, in a browser that remembers having created it. */
async function organiserPage(w: CreateWorkshopResult, locale: string): Promise<Page> {
  const context = await browser.newContext({ locale, acceptDownloads: true });
  contexts.push(context);
  const created = [
    {
      workshopId: w.workshopId,
      code: w.code,
      title: TITLE,
      facilitatorKey: w.facilitatorKey,
      createdAt: Date.now(),
    },
  ];
  await context.addInitScript((value) => {
    if (localStorage.getItem('atelier.created') === null)
      localStorage.setItem('atelier.created', value);
  }, JSON.stringify(created));
  const page = await context.newPage();
  await page.goto(`${srv.url}/organiser/${w.code}`);
  return page;
}

/**
 * The visible texts of a labelled group's buttons, once each is checked to be that button's
 * accessible name too (computed by Chromium's accessibility tree through getByRole).
 */
async function buttonsOf(page: Page, group: string): Promise<string[]> {
  const inGroup = page.getByRole('group', { name: group, exact: true });
  const buttons = inGroup.getByRole('button');
  await buttons.first().waitFor();
  const texts = await buttons.allInnerTexts();
  for (const text of texts) {
    await expect(
      inGroup.getByRole('button', { name: text.trim(), exact: true }).count(),
    ).resolves.toBe(1);
  }
  return texts.map((text) => text.trim());
}

describe('office exports on the organiser page', () => {
  it('groups the formats under Compte rendu and Tableau, each button named by the format it shows, and each office file downloads', async () => {
    const w = await createWorkshop(srv.url, {
      title: TITLE,
      groups: ['Toits', 'Réseaux'],
      language: 'fr',
    });
    const page = await organiserPage(w, 'fr-FR');
    const downloads = page.getByRole('region', { name: 'Téléchargements' });
    await downloads.waitFor();

    // The name a screen reader announces is the one on screen (WCAG 2.5.3, label in name).
    expect(await buttonsOf(page, 'Compte rendu')).toEqual([
      'Markdown FR',
      'Markdown EN',
      'ODT',
      'DOCX',
    ]);
    expect(await buttonsOf(page, 'Tableau')).toEqual(['CSV', 'ODS', 'XLSX']);
    expect(await buttonsOf(page, 'Sauvegarde')).toEqual(['JSON']);
    await expect(downloads.locator('[data-download=ods]').getAttribute('title')).resolves.toMatch(
      /OpenDocument/,
    );

    for (const [id, part, type] of [
      ['odt', 'content.xml', 'application/vnd.oasis.opendocument.text'],
      ['ods', 'content.xml', 'application/vnd.oasis.opendocument.spreadsheet'],
      ['docx', 'word/document.xml', null],
      ['xlsx', 'xl/sharedStrings.xml', null],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        downloads.locator(`[data-download=${id}]`).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`energie-partagee.${id}`);
      const files = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
      if (type) expect(strFromU8(files.mimetype!)).toBe(type);
      expect(strFromU8(files[part]!)).toContain(
        id === 'xlsx' || id === 'ods' ? 'Groupe(s)' : TITLE,
      );
    }
    await expect(
      page.getByRole('status').filter({ hasText: 'energie-partagee.xlsx' }).count(),
    ).resolves.toBe(1);
  });

  it('speaks English when the page does: Report and Table', async () => {
    const w = await createWorkshop(srv.url, { title: TITLE, groups: ['A'], language: 'en' });
    const page = await organiserPage(w, 'en-GB');
    expect(await buttonsOf(page, 'Report')).toEqual(['Markdown FR', 'Markdown EN', 'ODT', 'DOCX']);
    expect(await buttonsOf(page, 'Table')).toEqual(['CSV', 'ODS', 'XLSX']);
  });
});
