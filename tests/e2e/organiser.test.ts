// The organiser's pages in real Chromium against a real server: snapshots saved, compared and
// restored while a participant is on the board; undo; fork; downloads; import; the report, on
// screen and as printed.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  readRecommendations,
  recommendationsMap,
  setField,
  addRecommendation,
} from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import {
  command,
  connectDoc,
  connectSocket,
  synced,
  type TestSocket,
  type YClient,
} from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const docs: YClient[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
afterEach(async () => {
  for (const doc of docs.splice(0)) doc.destroy();
  for (const socket of sockets.splice(0)) socket.close();
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

const TITLE = 'Résilience des territoires';

async function workshop(): Promise<CreateWorkshopResult> {
  return createWorkshop(srv.url, {
    title: TITLE,
    groups: [
      { name: 'Diagnostic', prompt: 'Comment établir un état des lieux partagé ?' },
      { name: 'Solidarités', prompt: '' },
    ],
    language: 'fr',
  });
}

/** A browser context that remembers having created `w` (what the landing page stores). */
async function organiser(
  w: CreateWorkshopResult | null,
  viewport = { width: 1366, height: 820 },
): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport, acceptDownloads: true });
  contexts.push(context);
  if (w) {
    const created = [
      {
        workshopId: w.workshopId,
        code: w.code,
        title: TITLE,
        facilitatorKey: w.facilitatorKey,
        createdAt: Date.now(),
      },
    ];
    // Only on the first page load: later loads keep what the page itself remembered since.
    await context.addInitScript((value) => {
      if (localStorage.getItem('atelier.created') === null)
        localStorage.setItem('atelier.created', value);
    }, JSON.stringify(created));
  }
  return context.newPage();
}

/** A participant's live group document, with one recommendation written in it. */
async function participantDoc(w: CreateWorkshopResult) {
  const alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
  const client = connectDoc(srv.url, w.workshopId, groupDocName(w.groups[0]!.id), alice.token);
  docs.push(client);
  await synced(client);
  addRecommendation(client.doc, {
    id: 'r1',
    title: 'Cartographier les risques',
    body: 'Avec les communes du bassin.',
    authorId: alice.participantId,
    createdAt: Date.now(),
  });
  await boardHas(w, (titles) => titles.includes('Cartographier les risques'));
  return { alice, client };
}

/** Polls the server's own view of the board (the export JSON) until `check` holds. */
async function boardHas(
  w: CreateWorkshopResult,
  check: (titles: string[]) => boolean,
): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/export?format=json`, {
        headers: { authorization: `Bearer ${w.facilitatorKey}` },
      });
      const board = (await res.json()) as { groups: { recommendations: { title: string }[] }[] };
      return check(board.groups.flatMap((g) => g.recommendations.map((r) => r.title)));
    },
    { message: 'the server board' },
  );
}

const titles = (client: YClient) => readRecommendations(client.doc).map((r) => r.title);

describe('the organiser', () => {
  it('saves a snapshot, sees a change in the comparison, restores it on a live board, and undoes the restore', async () => {
    const w = await workshop();
    const { alice, client } = await participantDoc(w);

    // Bruno is on the board in his own browser the whole time.
    const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: w.groups[0]!.id });
    const participantContext = await browser.newContext({ locale: 'fr-FR' });
    contexts.push(participantContext);
    const board = await participantContext.newPage();
    await board.addInitScript(
      ([key, value]) => localStorage.setItem(key!, value!),
      [`atelier.identity.${w.code}`, JSON.stringify({ ...bruno, name: 'Bruno' })],
    );
    await board.goto(`${srv.url}/w/${w.code}`);
    const cardTitles = () =>
      board
        .locator('[data-testid=card] textarea[name=title]')
        .evaluateAll((els) => els.map((el) => (el as HTMLTextAreaElement).value));
    await expect.poll(cardTitles).toEqual(['Cartographier les risques']);

    // The organiser finds the workshop in their list (from the home page) and saves a snapshot.
    const page = await organiser(w);
    await page.goto(srv.url);
    await page
      .getByRole('link', { name: 'Tout gérer : instantanés, exports, compte rendu' })
      .click();
    const card = page.getByTestId('workshop-card');
    await card.getByRole('heading', { name: TITLE }).waitFor();
    await card.getByRole('link', { name: 'Instantanés et comparaison' }).click();
    await page.getByLabel('Nom du nouvel instantané').fill('Avant la pause');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByTestId('snapshot').filter({ hasText: 'Avant la pause' }).waitFor();
    await page
      .getByTestId('status')
      .filter({ hasText: 'Instantané « Avant la pause » enregistré.' })
      .waitFor();

    // A participant changes the card and adds another.
    const entry = recommendationsMap(client.doc).get('r1')!;
    setField(entry, 'title', 'Cartographier les risques majeurs');
    addRecommendation(client.doc, {
      id: 'r2',
      title: 'Former les élus',
      body: '',
      authorId: alice.participantId,
      createdAt: Date.now(),
    });
    await boardHas(
      w,
      (t) => t.includes('Cartographier les risques majeurs') && t.includes('Former les élus'),
    );

    // Compare the snapshot with now: the change is shown, before → after.
    await page
      .getByRole('button', { name: 'Comparer « Avant la pause » au tableau en direct' })
      .click();
    const comparison = page.getByTestId('comparison');
    const changed = comparison.locator('[data-change=changed]');
    await changed.locator('del', { hasText: 'Cartographier les risques' }).waitFor();
    await changed.locator('ins', { hasText: 'Cartographier les risques majeurs' }).waitFor();
    await comparison.locator('[data-change=added]', { hasText: 'Former les élus' }).waitFor();
    expect(await comparison.getAttribute('data-same')).toBe('false');

    // Restore: the dialog says what will happen, then every connected client converges.
    await page.getByRole('button', { name: 'Restaurer l’instantané « Avant la pause »' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restaurer « Avant la pause » ?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Tous les appareils connectés');
    expect(await dialog.textContent()).toContain('vous pourrez annuler');
    await dialog.getByRole('button', { name: 'Restaurer', exact: true }).click();
    await page.getByTestId('undo-restore').waitFor();
    await expect.poll(() => titles(client)).toEqual(['Cartographier les risques']);
    await expect.poll(cardTitles).toEqual(['Cartographier les risques']);
    // The comparison with now follows: nothing differs any more.
    await expect.poll(() => comparison.getAttribute('data-same')).toBe('true');
    await comparison.getByText('Rien n’a changé entre ces deux versions.').waitFor();

    // Undo the restore: the board as it was comes back, everywhere.
    await page.getByRole('button', { name: 'Annuler la restauration' }).click();
    await page.getByTestId('status').filter({ hasText: 'Restauration annulée' }).waitFor();
    await expect
      .poll(() => titles(client).sort())
      .toEqual(['Cartographier les risques majeurs', 'Former les élus']);
    await expect
      .poll(async () => (await cardTitles()).sort())
      .toEqual(['Cartographier les risques majeurs', 'Former les élus']);
    // The board as it was before the restore was kept as an automatic snapshot.
    await page
      .locator('[data-testid=snapshot][data-kind=auto]')
      .filter({ hasText: 'Avant la restauration de « Avant la pause »' })
      .first()
      .waitFor();
  });

  it('opens a snapshot read-only, marks automatic ones, forks one into a new workshop it remembers', async () => {
    const w = await workshop();
    await participantDoc(w);
    const facilitator = connectSocket(srv.url, w.facilitatorKey);
    sockets.push(facilitator);
    expect((await command(facilitator, 'phase:set', { phase: 'write' })).ok).toBe(true);

    const page = await organiser(w);
    await page.goto(`${srv.url}/organiser/${w.code}`);
    const auto = page
      .locator('[data-testid=snapshot][data-kind=auto]')
      .filter({ hasText: 'Accueil → Rédaction' });
    await auto.waitFor();
    expect(await auto.textContent()).toContain('automatique');

    await page
      .getByRole('button', { name: 'Consulter l’instantané « Accueil → Rédaction »' })
      .click();
    const viewer = page.getByTestId('snapshot-viewer');
    const snapshotBoard = viewer.getByTestId('snapshot-board');
    await snapshotBoard.waitFor();
    await snapshotBoard
      .getByRole('region', { name: 'Diagnostic' })
      .getByText('Cartographier les risques')
      .waitFor();
    expect(await snapshotBoard.textContent()).toContain('Rédaction');
    // Escape closes it, and focus comes back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Consulter l’instantané « Accueil → Rédaction »',
    );

    await page
      .getByRole('button', { name: 'Dupliquer « Accueil → Rédaction » en un nouvel atelier' })
      .click();
    const forked = page.getByTestId('forked');
    const code = ((await forked.getByTestId('forked-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    expect(code).not.toBe(w.code);
    const info = (await (await fetch(`${srv.url}/api/workshops/${code}`)).json()) as {
      title: string;
    };
    expect(info.title).toBe(TITLE);
    expect(await forked.getByLabel('Lien animateur·rice').inputValue()).toContain(
      `/w/${code}/facilitate#key=`,
    );
    const remembered = await page.evaluate(
      () => JSON.parse(localStorage.getItem('atelier.created') ?? '[]') as { code: string }[],
    );
    expect(remembered.map((r) => r.code)).toContain(code);

    await page.goto(`${srv.url}/organiser`);
    await page.locator(`[data-testid=workshop-card][data-code="${code}"]`).waitFor();
  });

  it('downloads the exports with the key: JSON, and the report in Markdown in each language', async () => {
    const w = await workshop();
    await participantDoc(w);
    const page = await organiser(w);
    await page.goto(`${srv.url}/organiser/${w.code}`);
    await page.getByRole('heading', { name: 'Téléchargements' }).waitFor();
    const downloads = page.getByRole('region', { name: 'Téléchargements' });

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      downloads.locator('[data-download=json]').click(),
    ]);
    expect(json.suggestedFilename()).toBe('resilience-des-territoires.json');
    const data = JSON.parse(readFileSync(await json.path(), 'utf8')) as {
      format: string;
      workshop: { title: string };
    };
    expect(data.format).toBe('atelier.workshop');
    expect(data.workshop.title).toBe(TITLE);

    const [fr] = await Promise.all([
      page.waitForEvent('download'),
      downloads.locator('[data-download=md-fr]').click(),
    ]);
    expect(fr.suggestedFilename()).toBe('resilience-des-territoires.fr.md');
    expect(readFileSync(await fr.path(), 'utf8')).toContain('## Recommandations par groupe');
    const [en] = await Promise.all([
      page.waitForEvent('download'),
      downloads.locator('[data-download=md-en]').click(),
    ]);
    expect(en.suggestedFilename()).toBe('resilience-des-territoires.en.md');
    expect(readFileSync(await en.path(), 'utf8')).toContain('## Recommendations by group');
  });

  it('imports a workshop from a JSON file, and shows the server’s reason for a bad one', async () => {
    const w = await workshop();
    await participantDoc(w);
    const exported = await (
      await fetch(`${srv.url}/api/workshops/${w.workshopId}/export?format=json`, {
        headers: { authorization: `Bearer ${w.facilitatorKey}` },
      })
    ).text();

    const page = await organiser(null);
    await page.goto(`${srv.url}/organiser`);
    await page.getByText('Aucun atelier créé depuis ce navigateur pour l’instant.').waitFor();
    const input = page.getByTestId('import-file');

    await input.setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('pas du json'),
    });
    await page
      .getByTestId('import-error')
      .filter({ hasText: 'Ce fichier n’est pas du JSON lisible.' })
      .waitFor();

    const future = JSON.stringify({ ...JSON.parse(exported), version: 2 });
    await input.setInputFiles({
      name: 'futur.json',
      mimeType: 'application/json',
      buffer: Buffer.from(future),
    });
    await page
      .getByTestId('import-error')
      .filter({ hasText: 'Import refusé : version: this server reads version 1 exports' })
      .waitFor();

    await input.setInputFiles({
      name: 'atelier.json',
      mimeType: 'application/json',
      buffer: Buffer.from(exported),
    });
    const status = page.getByTestId('import-status');
    await status.filter({ hasText: `Atelier « ${TITLE} » importé` }).waitFor();
    const code = /code ([A-Z0-9]{6})/.exec((await status.textContent()) ?? '')?.[1];
    expect(code).toBeDefined();
    expect(await page.getByTestId('import-error').textContent()).toBe('');
    const imported = page.locator(`[data-testid=workshop-card][data-code="${code}"]`);
    await imported.getByRole('heading', { name: TITLE }).waitFor();
    await imported.getByText('1 recommandation').waitFor();
  });

  it('opens from a facilitator link alone (#key=), takes the key out of the address, and refuses a wrong key', async () => {
    const w = await workshop();
    const page = await organiser(null);
    await page.goto(`${srv.url}/organiser/${w.code}#key=${encodeURIComponent(w.facilitatorKey)}`);
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.goto(`${srv.url}/organiser`);
    await page.locator(`[data-testid=workshop-card][data-code="${w.code}"]`).waitFor();

    const stranger = await organiser(null);
    await stranger.goto(`${srv.url}/organiser/${w.code}#key=${'x'.repeat(32)}`);
    await stranger.getByText('La clé de ce lien n’ouvre pas cet atelier.').waitFor();
  });
});

describe('the report', () => {
  it('shows the workshop’s sections in its language, switches to English, and prints without its buttons', async () => {
    const w = await workshop();
    await participantDoc(w);
    const page = await organiser(w);
    await page.goto(`${srv.url}/w/${w.code}/report`);
    const report = page.getByTestId('report');
    await report.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    expect(await report.getAttribute('lang')).toBe('fr');
    for (const name of [
      'En bref',
      'Groupes',
      'Recommandations par groupe',
      'Tableau de synthèse',
    ]) {
      await report.getByRole('heading', { name, level: 2 }).waitFor();
    }
    const diagnostic = report.getByRole('region', { name: 'Diagnostic' });
    await diagnostic.getByText('Cartographier les risques').waitFor();
    await diagnostic.getByText('Comment établir un état des lieux partagé ?').waitFor();
    await report
      .getByRole('region', { name: 'Solidarités' })
      .getByText('Aucune recommandation.')
      .waitFor();
    expect(await page.title()).toBe(`Compte rendu — ${TITLE}`);

    await page.getByRole('radio', { name: 'English' }).click();
    await report.getByRole('heading', { name: 'Recommendations by group', level: 2 }).waitFor();
    expect(await report.getAttribute('lang')).toBe('en');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');

    const print = page.getByRole('button', { name: 'Imprimer / enregistrer en PDF' });
    expect(await print.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await print.isVisible()).toBe(false);
    expect(await page.getByRole('radio', { name: 'English' }).isVisible()).toBe(false);
    expect(await page.locator('header.topbar').isVisible()).toBe(false);
    expect(await report.isVisible()).toBe(true);
    expect(await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(255, 255, 255)',
    );
  });
});
