import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let browser: Browser;
beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('landing page', () => {
  it('creates a workshop and shows its code, which the API then knows', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(srv.url);
    await page.getByLabel('Titre de l’atelier').fill('Résilience des territoires');
    await page.getByLabel('Nom du groupe 1').fill('Diagnostic');
    await page.getByRole('button', { name: 'Créer l’atelier' }).click();
    const code = (await page.getByTestId('workshop-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[A-Z0-9]{6}$/);

    const res = await fetch(`${srv.url}/api/workshops/${code}`);
    expect(res.status).toBe(200);
    const info = (await res.json()) as { title: string; groups: { name: string }[] };
    expect(info.title).toBe('Résilience des territoires');
    expect(info.groups.map((g) => g.name)).toEqual(['Diagnostic', 'Groupe 2', 'Groupe 3']);
    await context.close();
  });

  it('switches to English and remembers the choice across a reload', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(srv.url);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'ateliers',
    );
    await page.getByRole('button', { name: /Langue/ }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'workshops',
    );
    await page.reload();
    await expect(
      page.getByRole('heading', { name: 'Create a workshop' }).isVisible(),
    ).resolves.toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();
  });

  it('refuses an unknown code with a clear message', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(srv.url);
    await page.getByLabel("Code de l'atelier").fill('XXXXXX');
    await page.getByRole('button', { name: 'Rejoindre', exact: true }).click();
    await page.getByText('Aucun atelier ne porte ce code').waitFor();
    await context.close();
  });
});
