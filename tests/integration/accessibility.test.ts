// The accessibility statement's contact (GET /api/accessibility): ACCESSIBILITY_CONTACT when set,
// null otherwise, without authentication; a bad value stops the start.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function contactOf(env: Record<string, string>): Promise<unknown> {
  const srv = await startServer({ env });
  servers.push(srv);
  const res = await fetch(`${srv.url}/api/accessibility`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { contact: unknown }).contact;
}

describe('the accessibility contact', () => {
  it('is the configured address, to anyone', async () => {
    expect(await contactOf({ ACCESSIBILITY_CONTACT: '  accessibilite@exemple.fr ' })).toBe(
      'accessibilite@exemple.fr',
    );
  });

  it('is null when not configured (the statement then says to ask the organiser)', async () => {
    expect(await contactOf({})).toBeNull();
  });

  it('refuses a contact too long to be one', () => {
    expect(() =>
      loadConfig({ ACCESSIBILITY_CONTACT: 'x'.repeat(201) }, { clientDir: 'dist/client' }),
    ).toThrow(/ACCESSIBILITY_CONTACT/);
  });
});
