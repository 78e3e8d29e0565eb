// The accessibility audit (issue 15, RGAA): axe-core run in real Chromium on every page of Atelier,
// in French and English, light and dark, through a workshop that goes through every phase. A page
// passes when axe finds no violation of impact serious or critical under the WCAG 2.1 A/AA rules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phase } from '../../shared/phases.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectSocket, type TestSocket } from '../helpers/clients.js';
import { ok, writeItems, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
/** WCAG 2.0 and 2.1, levels A and AA: what the RGAA 4.1 maps to. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

type Lang = 'fr' | 'en';
const LANGS: Lang[] = ['fr', 'en'];

interface Finding {
  page: string;
  variant: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
  summary: string;
}

let srv: TestServer;
let browser: Browser;
const sockets: TestSocket[] = [];
/** One browser context per language, kept for the whole file: pages are opened and closed in it. */
const contexts = new Map<Lang, BrowserContext>();

let w: CreateWorkshopResult;
let lobbyOnly: CreateWorkshopResult;
let alice: JoinResult;
let bruno: JoinResult;
let fac: TestSocket;
let screenKey: string;

beforeAll(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  w = await createWorkshop(srv.url, {
    title: 'Résilience des territoires',
    groups: ['Diagnostic', 'Solidarités'],
    voteBudget: 3,
  });
  // A second workshop nobody joined yet in this browser: its address shows the join form.
  lobbyOnly = await createWorkshop(srv.url, {
    title: 'Atelier d’accueil',
    groups: ['Groupe A', 'Groupe B'],
  });
  alice = await joinWorkshop(srv.url, w.code, { name: 'Alice', groupId: w.groups[0]!.id });
  bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: w.groups[1]!.id });
  fac = connectSocket(srv.url, w.facilitatorKey);
  sockets.push(fac);
  const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.facilitatorKey}` },
  });
  screenKey = ((await res.json()) as { screenKey: string }).screenKey;

  for (const lang of LANGS) {
    const context = await browser.newContext({
      locale: lang === 'fr' ? 'fr-FR' : 'en-GB',
      colorScheme: 'light',
      viewport: { width: 1366, height: 820 },
    });
    // The app's own switches (language and theme), and what a returning participant and the
    // organiser's browser remember.
    await context.addInitScript(
      ({ lang, identityKey, identity, created }) => {
        localStorage.setItem('atelier.lang', lang);
        localStorage.setItem(identityKey, identity);
        if (localStorage.getItem('atelier.created') === null)
          localStorage.setItem('atelier.created', created);
      },
      {
        lang,
        identityKey: `atelier.identity.${w.code}`,
        identity: JSON.stringify({ ...alice, name: 'Alice' }),
        created: JSON.stringify([
          {
            workshopId: w.workshopId,
            code: w.code,
            title: 'Résilience des territoires',
            facilitatorKey: w.facilitatorKey,
            createdAt: Date.now(),
          },
        ]),
      },
    );
    contexts.set(lang, context);
  }
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([...contexts.values()].map((c) => c.close()));
  await browser?.close();
  await srv?.stop();
});

interface PageSpec {
  name: string;
  path: string;
  /** What shows once the page has what it will show. */
  ready: string;
  /** Something to do once ready (open a tab). */
  then?: (page: Page) => Promise<void>;
}

const CONNECTED = '[data-testid=connection][data-status=connected]';
const board = (name: string): PageSpec => ({ name, path: `/w/${w.code}`, ready: CONNECTED });
const consolePage = (name: string): PageSpec => ({
  name,
  path: `/w/${w.code}/facilitate#key=${encodeURIComponent(w.facilitatorKey)}`,
  ready: CONNECTED,
});
const screen = (name: string): PageSpec => ({
  name,
  path: `/w/${w.code}/screen#key=${encodeURIComponent(screenKey)}`,
  ready: '[data-testid=screen]',
});

/**
 * Waits until the page stops changing (the DOM size the same over three polls); a page that keeps
 * changing (a live count) is audited as it is after the deadline.
 */
async function settled(page: Page): Promise<void> {
  let last = -1;
  let same = 0;
  await waitFor(
    async () => {
      const size = await page.evaluate(() => document.body.innerHTML.length);
      same = size === last ? same + 1 : 0;
      last = size;
      return same >= 3;
    },
    { interval: 100, timeout: 10_000, message: 'a settled page' },
  ).catch(() => undefined);
}

/** axe-core's serious and critical violations on the page as it is now. */
async function runAxe(page: Page, name: string, variant: string): Promise<Finding[]> {
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, { runOnly: { type: 'tag', values: tags } })) as {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    };
    return result.violations;
  }, WCAG_TAGS);
  return violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({
      page: name,
      variant,
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
      summary: (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300),
    }));
}

/**
 * Opens the page once per language and audits it light, then dark: the dark theme is switched
 * the way the app's theme switch does it (data-theme on the root, remembered), with the system
 * preference emulated dark too.
 */
async function audit(spec: PageSpec, lang: Lang): Promise<Finding[]> {
  const page = await contexts.get(lang)!.newPage();
  try {
    await page.emulateMedia({ colorScheme: 'light' });
    // Other work in this tree may be rebuilding dist/client (the page is then a 404 for a moment).
    await waitFor(async () => (await page.goto(`${srv.url}${spec.path}`))?.status() === 200, {
      timeout: 60_000,
      interval: 1000,
      message: `${spec.name}: the built client`,
    });
    await page
      .locator(spec.ready)
      .first()
      .waitFor({ timeout: 45_000 })
      .catch(async (error: unknown) => {
        // Say what the page showed instead: a refusal, an error, a loading state.
        const shown = await page
          .evaluate(() => document.body.innerText.slice(0, 400))
          .catch(() => '');
        throw new Error(`${spec.name} (${lang}) never showed ${spec.ready}; it showed: ${shown}`, {
          cause: error,
        });
      });
    if (spec.then) await spec.then(page);
    await settled(page);
    // Evaluated through the DevTools protocol: the page's CSP (no inline script) does not apply.
    await page.evaluate(AXE_SOURCE);
    const findings = await runAxe(page, spec.name, `${lang}/light`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
      localStorage.setItem('atelier.theme', 'dark');
    });
    findings.push(...(await runAxe(page, spec.name, `${lang}/dark`)));
    return findings;
  } finally {
    await page.close();
  }
}

/** Audits every page in every variant and fails with the list of what axe found. */
async function expectAccessible(specs: PageSpec[]): Promise<void> {
  const findings: Finding[] = [];
  for (const spec of specs) {
    for (const lang of LANGS) findings.push(...(await audit(spec, lang)));
  }
  const report = findings
    .map(
      (f) =>
        `${f.page} [${f.variant}] ${f.impact} ${f.id}: ${f.help}\n  ${f.targets.slice(0, 6).join('\n  ')}\n  ${f.summary}`,
    )
    .join('\n');
  expect(findings.length, `serious or critical axe-core violations:\n${report}`).toBe(0);
}

async function setPhase(phase: Phase): Promise<void> {
  await ok(fac, 'phase:set', { phase });
}

describe('the accessibility audit (axe-core, WCAG 2.1 A/AA, FR/EN, light/dark)', () => {
  it('finds nothing serious on the pages outside a workshop and in the lobby', async () => {
    await expectAccessible([
      { name: 'landing', path: '/', ready: '[data-testid=demo]' },
      { name: 'join form', path: `/w/${lobbyOnly.code}`, ready: 'input#name' },
      { name: 'accessibility statement', path: '/accessibilite', ready: 'h1' },
      { name: 'not found', path: '/nulle-part', ready: 'h1' },
      { name: 'organiser home', path: '/organiser', ready: '[data-testid=workshop-card]' },
      consolePage('console lobby'),
      screen('projection lobby'),
    ]);
  }, 240_000);

  it('finds nothing serious while groups write', async () => {
    await setPhase('write');
    await writeRecommendations(
      srv.url,
      w.workshopId,
      w.groups[0]!.id,
      alice.token,
      w.facilitatorKey,
      [
        { id: 'a1', title: 'Cartographier les risques du territoire' },
        { id: 'a2', title: 'Former les élus' },
      ],
    );
    await writeRecommendations(
      srv.url,
      w.workshopId,
      w.groups[1]!.id,
      bruno.token,
      w.facilitatorKey,
      [{ id: 'b1', title: 'Recenser les risques avec les habitants' }],
    );
    await expectAccessible([
      board('board, writing'),
      {
        ...board('board, another group’s tab'),
        then: async (page) => {
          await page.getByTestId(`tab-group:${w.groups[1]!.id}`).click();
          await page.getByText('Recenser les risques avec les habitants').first().waitFor();
        },
      },
      consolePage('console, writing'),
      screen('projection, writing'),
    ]);
  }, 240_000);

  it('finds nothing serious during the group vote', async () => {
    await setPhase('vote');
    const voter = connectSocket(srv.url, bruno.token);
    sockets.push(voter);
    await ok(voter, 'vote:cast', { targetId: `${w.groups[1]!.id}/b1`, delta: 1 });
    await expectAccessible([
      board('board, voting'),
      consolePage('console, voting'),
      screen('projection, voting'),
    ]);
  }, 240_000);

  it('finds nothing serious while the facilitator merges', async () => {
    await ok(fac, 'votes:reveal', { revealed: true });
    await setPhase('merge');
    await writeItems(srv.url, w.workshopId, w.facilitatorKey, alice.token, [
      {
        id: 'i1',
        title: 'Cartographier les risques avec les habitants',
        sources: [`${w.groups[0]!.id}/a1`, `${w.groups[1]!.id}/b1`],
      },
    ]);
    await expectAccessible([
      board('board, merging'),
      {
        ...consolePage('console, merging'),
        then: async (page) => {
          const tab = page.getByTestId('tab-merge');
          if (await tab.count()) await tab.click();
        },
      },
      screen('projection, merging'),
    ]);
  }, 240_000);

  it('finds nothing serious while the room prioritises', async () => {
    await setPhase('prioritise');
    const voter = connectSocket(srv.url, alice.token);
    sockets.push(voter);
    await ok(voter, 'vote:cast', { targetId: 'plenary/i1', delta: 1 });
    await ok(fac, 'votes:reveal', { revealed: true });
    await expectAccessible([
      board('board, prioritising'),
      consolePage('console, prioritising'),
      screen('projection, prioritising'),
    ]);
  }, 240_000);

  it('finds nothing serious once the workshop is closed, nor on the organiser’s pages', async () => {
    await setPhase('closed');
    await expectAccessible([
      board('board, closed'),
      consolePage('console, closed'),
      screen('projection, closed'),
      { name: 'organiser workshop', path: `/organiser/${w.code}`, ready: '[data-testid=snapshot]' },
      { name: 'report', path: `/w/${w.code}/report`, ready: '[data-testid=report]' },
    ]);
  }, 240_000);
});
