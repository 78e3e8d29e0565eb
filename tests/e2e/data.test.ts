// Personal data in real Chromium against a real server (issue 15): the notice on the join form
// (default from the retention, then the organiser's own text), a participant withdrawing their
// words and name from "Mes données", and an organiser deleting a workshop through the UI with a
// final export offered first: the participant's page says so and forgets, no row is left.
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import type { BoardExport } from '../../shared/export.js';
import { groupDocName } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const docs: YClient[] = [];

beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
afterEach(async () => {
  for (const doc of docs.splice(0)) doc.destroy();
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

const TITLE = 'Atelier données';

async function workshop(): Promise<CreateWorkshopResult> {
  return createWorkshop(srv.url, { title: TITLE, groups: ['Eau', 'Énergie'], language: 'fr' });
}

async function page(init?: (context: BrowserContext) => Promise<unknown>): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
  contexts.push(context);
  await init?.(context);
  return context.newPage();
}

/** A browser that created `w` (the organiser's list, as the landing page stores it). */
function organiser(w: CreateWorkshopResult): Promise<Page> {
  return page((context) =>
    context.addInitScript(
      (value) => {
        if (localStorage.getItem('atelier.created') === null)
          localStorage.setItem('atelier.created', value);
      },
      JSON.stringify([{ ...w, title: TITLE, createdAt: Date.now() }]),
    ),
  );
}

/** A participant's page on the board, as someone who joined from this browser. */
async function participant(w: CreateWorkshopResult, who: JoinResult, name: string): Promise<Page> {
  const p = await page((context) =>
    context.addInitScript(
      ([key, value]) => {
        // Only the first load: a page that forgot its identity must stay forgotten on reload.
        if (sessionStorage.getItem('seeded') === null) {
          sessionStorage.setItem('seeded', '1');
          localStorage.setItem(key!, value!);
        }
      },
      [`atelier.identity.${w.code}`, JSON.stringify({ ...who, name })],
    ),
  );
  await p.goto(`${srv.url}/w/${w.code}`);
  await p.getByTestId('my-data').waitFor();
  return p;
}

/** Writes a card signed by `who` through a real Yjs client. */
async function card(w: CreateWorkshopResult, who: JoinResult, id: string, title: string) {
  const client = connectDoc(srv.url, w.workshopId, groupDocName(who.groupId), who.token);
  docs.push(client);
  await synced(client);
  addRecommendation(client.doc, { id, title, body: '', authorId: who.participantId, createdAt: 1 });
  await waitFor(
    async () => (await board(w)).groups.some((g) => g.recommendations.some((r) => r.id === id)),
    {
      message: 'card stored',
    },
  );
  client.destroy();
}

async function board(w: CreateWorkshopResult): Promise<BoardExport> {
  const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/export?format=json`, {
    headers: { authorization: `Bearer ${w.facilitatorKey}` },
  });
  return (await res.json()) as BoardExport;
}

/** Names of this browser's IndexedDB databases that hold a document of the workshop. */
function workshopDatabases(p: Page, workshopId: string): Promise<string[]> {
  return p.evaluate(
    async (id) =>
      (await indexedDB.databases())
        .map((db) => db.name ?? '')
        .filter((name) => name.startsWith(`atelier:${id}:`)),
    workshopId,
  );
}

/** Rows naming the workshop, in every table of the database. */
function rowsOf(workshopId: string): number {
  const db = new Database(srv.config.databaseFile, { readonly: true });
  try {
    let rows = 0;
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all();
    for (const { name } of tables) {
      const columns = db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[];
      const column = columns.some((c) => c.name === 'workshop_id')
        ? 'workshop_id'
        : name === 'workshops'
          ? 'id'
          : null;
      if (column)
        rows += (
          db.prepare(`SELECT count(*) AS n FROM ${name} WHERE ${column} = ?`).get(workshopId) as {
            n: number;
          }
        ).n;
    }
    return rows;
  } finally {
    db.close();
  }
}

describe('personal data', () => {
  it('the join form says who keeps what for how long and how to withdraw; the organiser’s own text replaces it', async () => {
    const w = await workshop();
    const join = await page();
    await join.goto(`${srv.url}/w/${w.code}`);
    const notice = join.getByTestId('data-notice');
    await expect.poll(() => notice.textContent()).toContain('90 jours après la clôture');
    expect(await notice.textContent()).toContain('Mes données');

    const org = await organiser(w);
    await org.goto(`${srv.url}/organiser/${w.code}`);
    await org
      .getByTestId('notice-text')
      .fill('La Ville de Test garde vos prénoms 30 jours.\nContact : dpo@ville.test');
    await org.getByTestId('notice-save').click();
    await org.getByText('Information enregistrée.').waitFor();

    await join.reload();
    await expect
      .poll(() => notice.textContent())
      .toContain('La Ville de Test garde vos prénoms 30 jours.');
    expect(await notice.textContent()).not.toContain('90 jours');
  });

  it('a participant withdraws from “Mes données”, removing their cards: the page says it is done and forgets them, the server holds nothing of them', async () => {
    const w = await workshop();
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana-e2e', groupId: w.groups[0]!.id });
    const bea = await joinWorkshop(srv.url, w.code, { name: 'Béa', groupId: w.groups[0]!.id });
    await card(w, ana, 'r1', 'Idée à retirer');
    await card(w, bea, 'r2', 'Idée de Béa');
    const p = await participant(w, ana, 'Ana-e2e');
    await waitFor(async () => (await workshopDatabases(p, w.workshopId)).length > 0, {
      message: 'the board keeps its documents in IndexedDB',
    });

    await p.getByTestId('my-data').click();
    const dialog = p.getByTestId('my-data-dialog');
    await dialog.getByText('Ana-e2e').waitFor();
    await dialog.getByTestId('withdraw-remove').check();
    await dialog.getByTestId('withdraw-confirm').click();

    await expect.poll(() => p.getByTestId('ended').textContent()).toContain('C’est fait');
    expect(
      await p.evaluate((code) => localStorage.getItem(`atelier.identity.${code}`), w.code),
    ).toBeNull();
    await waitFor(async () => (await workshopDatabases(p, w.workshopId)).length === 0, {
      message: 'IndexedDB forgotten',
    });
    const after = await board(w);
    expect(after.participants.map((x) => x.name)).toEqual(['Béa']);
    expect(after.groups[0]!.recommendations.map((r) => r.title)).toEqual(['Idée de Béa']);
    // A reload does not bring the person back: the join form shows.
    await p.reload();
    await p.getByLabel('Votre prénom').waitFor();
  });

  it('the organiser deletes the workshop after a final export and typing its code; a participant’s page says so and forgets it; no row is left', async () => {
    const w = await workshop();
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    await card(w, ana, 'r1', 'Carte à effacer');
    const p = await participant(w, ana, 'Ana');
    const live = connectDoc(srv.url, w.workshopId, groupDocName(w.groups[0]!.id), ana.token);
    docs.push(live);
    await synced(live);
    expect(readRecommendations(live.doc)).toHaveLength(1);

    // From the console's close: the organiser page opens the dialog by itself.
    const org = await organiser(w);
    await org.goto(`${srv.url}/organiser/${w.code}?delete`);
    const dialog = org.getByTestId('delete-dialog');
    await dialog.getByTestId('delete-code').waitFor();
    // The final export is offered first, and works.
    const [download] = await Promise.all([
      org.waitForEvent('download'),
      dialog.getByRole('button', { name: 'JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const confirm = dialog.getByTestId('delete-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('delete-code').fill('XXXXXX');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('delete-code').fill(w.code.toLowerCase());
    await confirm.click();
    await expect
      .poll(() => dialog.getByTestId('delete-done').textContent())
      .toContain('a été supprimé');
    const created = await org.evaluate(() => localStorage.getItem('atelier.created'));
    expect(JSON.parse(created ?? '[]')).toEqual([]);

    await expect
      .poll(() => p.getByTestId('ended').textContent())
      .toContain('Cet atelier a été supprimé par son organisateur·rice');
    expect(
      await p.evaluate((code) => localStorage.getItem(`atelier.identity.${code}`), w.code),
    ).toBeNull();
    await waitFor(async () => (await workshopDatabases(p, w.workshopId)).length === 0, {
      message: 'IndexedDB forgotten',
    });
    expect((await fetch(`${srv.url}/api/workshops/${w.code}`)).status).toBe(404);
    expect(rowsOf(w.workshopId)).toBe(0);

    await dialog.getByRole('button', { name: 'Retour à mes ateliers' }).click();
    await org.waitForURL(`${srv.url}/organiser`);
  });
});
