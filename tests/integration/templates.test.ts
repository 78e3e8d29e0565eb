// Templates (issue 17) through the real server: the built-in methods listed in both languages,
// a workshop created from one, and the round trip an organiser makes (save a workshop as a
// template, keep the JSON, create the next workshop from it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkshopResult, WorkshopInfo } from '../../shared/schemas.js';
import type { Template, TemplateSummary } from '../../shared/templates.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

async function call(
  method: string,
  path: string,
  options: { body?: unknown; key?: string } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as unknown) : null,
    headers: res.headers,
  };
}

async function info(code: string): Promise<WorkshopInfo> {
  const answer = await call('GET', `/api/workshops/${code}`);
  expect(answer.status).toBe(200);
  return answer.body as WorkshopInfo;
}

describe('GET /api/templates', () => {
  it('lists at least the five methods the contract names, with their groups and steps', async () => {
    const answer = await call('GET', '/api/templates');
    expect(answer.status).toBe(200);
    const list = answer.body as TemplateSummary[];
    const ids = list.map((t) => t.id);
    for (const id of ['resilience', '1-2-4-all', 'world-cafe', 'swot', 'retrospective'])
      expect(ids).toContain(id);
    for (const template of list) {
      expect(template.name.length).toBeGreaterThan(0);
      expect(template.description.length).toBeGreaterThan(0);
      expect(template.groups.length).toBeGreaterThan(0);
      expect(template.steps[0]?.phase).toBe('lobby');
    }
    const swot = list.find((t) => t.id === 'swot');
    expect(swot?.groups).toEqual(['Atouts', 'Faiblesses', 'Opportunités', 'Menaces']);
    expect(swot?.minutes).toBe(45);
  });

  it('speaks English when asked, and refuses a language it does not have', async () => {
    const answer = await call('GET', '/api/templates?lang=en');
    const swot = (answer.body as TemplateSummary[]).find((t) => t.id === 'swot');
    expect(swot?.groups).toEqual(['Strengths', 'Weaknesses', 'Opportunities', 'Threats']);
    expect((await call('GET', '/api/templates?lang=de')).status).toBe(400);
  });

  it('gives a whole template in the importable format, and 404 for an unknown id', async () => {
    const answer = await call('GET', '/api/templates/1-2-4-all');
    expect(answer.status).toBe(200);
    const template = answer.body as Template;
    expect(template.format).toBe('atelier.template');
    expect(template.steps.map((s) => s.formation ?? 'keep')).toContain('pairs');
    expect((await call('GET', '/api/templates/nope')).status).toBe(404);
    expect((await call('GET', '/api/templates/..%2F..%2Fetc')).status).toBe(404);
  });
});

describe('POST /api/workshops with a template', () => {
  it('takes groups, questions and budget from the template (contract: {template, title})', async () => {
    const created = await call('POST', '/api/workshops', {
      body: { template: 'retrospective', title: 'Bilan de la saison' },
    });
    expect(created.status).toBe(201);
    const result = created.body as CreateWorkshopResult;
    expect(result.groups.map((g) => g.name)).toEqual([
      'Ce qui a marché',
      'Ce qui a freiné',
      'Ce que nous essaierons',
    ]);
    const workshop = await info(result.code);
    expect(workshop.title).toBe('Bilan de la saison');
    expect(workshop.voteBudget).toBe(3);
    expect(workshop.groups[0]?.prompt).toMatch(/garder/);
  });

  it('builds the groups in the workshop’s language, and lets the budget be overridden', async () => {
    const created = await call('POST', '/api/workshops', {
      body: { template: 'swot', title: 'Strategy day', language: 'en', voteBudget: 7 },
    });
    expect(created.status).toBe(201);
    const workshop = await info((created.body as CreateWorkshopResult).code);
    expect(workshop.groups.map((g) => g.name)).toEqual([
      'Strengths',
      'Weaknesses',
      'Opportunities',
      'Threats',
    ]);
    expect(workshop.voteBudget).toBe(7);
  });

  it('refuses an unknown template, groups given beside it, and a malformed inline template', async () => {
    const unknown = await call('POST', '/api/workshops', {
      body: { template: 'no-such-method', title: 'X' },
    });
    expect(unknown.status).toBe(404);
    const both = await call('POST', '/api/workshops', {
      body: { template: 'swot', title: 'X', groups: ['A'] },
    });
    expect(both.status).toBe(400);
    const malformed = await call('POST', '/api/workshops', {
      body: { template: { id: 'x', name: 'X', groups: 'many' }, title: 'X' },
    });
    expect(malformed.status).toBe(400);
    const oversized = await call('POST', '/api/workshops', {
      body: {
        template: {
          id: 'big',
          name: 'Big',
          description: 'Too many groups',
          voteBudget: 5,
          groups: Array.from({ length: 51 }, (_, i) => ({ name: `G${i}`, prompt: '' })),
          steps: [{ phase: 'write', minutes: 10 }],
        },
        title: 'X',
      },
    });
    expect(oversized.status).toBe(400);
  });
});

describe('a workshop saved as a template and created again', () => {
  it('round-trips groups, questions, budget and language through the JSON an organiser keeps', async () => {
    const original = await call('POST', '/api/workshops', {
      body: {
        title: 'Journée mobilités',
        groups: [
          { name: 'Vélo', prompt: 'Comment sécuriser les trajets du quotidien ?' },
          { name: 'Transports en commun', prompt: 'Quelles lignes renforcer ?' },
        ],
        voteBudget: 4,
      },
    });
    const { workshopId, facilitatorKey } = original.body as CreateWorkshopResult;

    expect((await call('GET', `/api/workshops/${workshopId}/template`)).status).toBe(401);
    const saved = await call('GET', `/api/workshops/${workshopId}/template`, {
      key: facilitatorKey,
    });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('content-disposition')).toMatch(/journee-mobilites\.template\.json/);
    const template = saved.body as Template;
    expect(template.id).toBe('journee-mobilites');

    // The file goes through a text file and back, as an organiser would keep it.
    const kept = JSON.parse(JSON.stringify(template)) as unknown;
    const again = await call('POST', '/api/workshops', {
      body: { template: kept, title: 'Journée mobilités, 2e édition' },
    });
    expect(again.status).toBe(201);
    const workshop = await info((again.body as CreateWorkshopResult).code);
    expect(workshop.groups.map(({ name, prompt }) => ({ name, prompt }))).toEqual([
      { name: 'Vélo', prompt: 'Comment sécuriser les trajets du quotidien ?' },
      { name: 'Transports en commun', prompt: 'Quelles lignes renforcer ?' },
    ]);
    expect(workshop.voteBudget).toBe(4);
  });
});
