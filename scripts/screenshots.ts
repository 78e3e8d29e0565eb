// Takes screenshots of every screen in headless Chromium, light and dark, at a laptop, a
// projector and a phone width, into .screenshots/ (for looking at, and for the README).
// Run: node --import tsx scripts/screenshots.ts [filter]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createWorkshop, joinWorkshop } from '../tests/helpers/api.js';
import { launchBrowser } from '../tests/helpers/browser.js';
import { startServer, type TestServer } from '../tests/helpers/server.js';

const OUT = path.resolve('.screenshots');
const VIEWPORTS = {
  laptop: { width: 1366, height: 820 },
  projector: { width: 1920, height: 1080 },
  phone: { width: 390, height: 844 },
} as const;

export interface Shot {
  name: string;
  viewport: keyof typeof VIEWPORTS;
  dark?: boolean;
  /** Prepares the page (navigation, clicks); the screenshot is taken after it resolves. */
  open: (page: Page, ctx: { srv: TestServer; data: Awaited<ReturnType<typeof seed>> }) => Promise<void>;
}

async function seed(srv: TestServer) {
  const workshop = await createWorkshop(srv.url, {
    title: 'Comment s’engager et monter en résilience ?',
    groups: [
      { name: 'Diagnostic systémique du territoire', prompt: 'Comment établir un état des lieux partagé ?' },
      { name: 'Cohésion sociale et solidarités', prompt: 'Comment faire de la cohésion sociale le ciment de la résilience ?' },
      { name: 'Outils d’aide à la décision', prompt: 'Quels outils pour décider ensemble ?' },
    ],
  });
  const camille = await joinWorkshop(srv.url, workshop.code, { name: 'Camille', groupId: workshop.groups[0]!.id });
  return { workshop, camille };
}

const SHOTS: Shot[] = [
  { name: 'landing', viewport: 'laptop', open: async (page, { srv }) => void (await page.goto(srv.url)) },
  { name: 'landing-dark', viewport: 'laptop', dark: true, open: async (page, { srv }) => void (await page.goto(srv.url)) },
  { name: 'landing-phone', viewport: 'phone', open: async (page, { srv }) => void (await page.goto(srv.url)) },
  {
    name: 'join',
    viewport: 'laptop',
    open: async (page, { srv, data }) => void (await page.goto(`${srv.url}/w/${data.workshop.code}`)),
  },
];

async function main() {
  const filter = process.argv[2] ?? '';
  mkdirSync(OUT, { recursive: true });
  const srv = await startServer();
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    const data = await seed(srv);
    for (const shot of SHOTS.filter((s) => s.name.includes(filter))) {
      const context = await browser.newContext({
        viewport: VIEWPORTS[shot.viewport],
        locale: 'fr-FR',
        colorScheme: shot.dark ? 'dark' : 'light',
      });
      const page = await context.newPage();
      await shot.open(page, { srv, data });
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const file = path.join(OUT, `${shot.name}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`${file}\n`);
      await context.close();
    }
  } finally {
    await browser?.close();
    await srv.stop();
  }
}

await main();
