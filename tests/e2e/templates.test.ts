// Creating a workshop from a method (issue 17) in Chromium: the creation form offers the
// server's templates, shows a template's groups and running order before creating, and the
// workshop created has the template's groups and questions.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkshopInfo } from '../../shared/schemas.js';
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

describe('creating a workshop from a template', () => {
  it('shows the method’s groups and steps, then creates the workshop with them', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(srv.url);
    await page.getByLabel('Titre de l’atelier').fill('Stratégie du territoire');
    const method = page.getByLabel('Méthode', { exact: true });
    await method
      .locator('option', { hasText: 'Matrice SWOT (AFOM)' })
      .waitFor({ state: 'attached' });
    await method.selectOption('swot');

    // What the method brings is shown before anything is created; free groups are gone.
    const groups = page.getByRole('list', { name: 'Groupes de la méthode' });
    await expect(groups.getByRole('listitem').allTextContents()).resolves.toEqual([
      'Atouts',
      'Faiblesses',
      'Opportunités',
      'Menaces',
    ]);
    await page.getByText(/Déroulé \(45\s*min/).waitFor();
    expect(await page.getByLabel('Nom du groupe 1').count()).toBe(0);

    await page.getByRole('button', { name: 'Créer l’atelier' }).click();
    const code = (await page.getByTestId('workshop-code').textContent())?.trim() ?? '';
    const info = (await (await fetch(`${srv.url}/api/workshops/${code}`)).json()) as WorkshopInfo;
    expect(info.title).toBe('Stratégie du territoire');
    expect(info.groups.map((g) => g.name)).toEqual([
      'Atouts',
      'Faiblesses',
      'Opportunités',
      'Menaces',
    ]);
    expect(info.groups[0]?.prompt).toMatch(/appuyer/);
    await context.close();
  });

  it('back to free groups, the form creates the groups typed as before', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(srv.url);
    await page.getByLabel('Titre de l’atelier').fill('Atelier libre');
    const method = page.getByLabel('Méthode', { exact: true });
    await method.locator('option', { hasText: 'Rétrospective' }).waitFor({ state: 'attached' });
    await method.selectOption('retrospective');
    await method.selectOption('custom');
    await page.getByLabel('Nom du groupe 1').fill('Mobilités');
    await page.getByRole('button', { name: 'Créer l’atelier' }).click();
    const code = (await page.getByTestId('workshop-code').textContent())?.trim() ?? '';
    const info = (await (await fetch(`${srv.url}/api/workshops/${code}`)).json()) as WorkshopInfo;
    expect(info.groups[0]?.name).toBe('Mobilités');
    await context.close();
  });
});
