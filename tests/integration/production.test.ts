// The production build, as `npm start` runs it: the server compiled by `tsc -p tsconfig.build.json`
// (here into a directory of its own under dist/, so that node_modules resolve as they do for
// dist/node), started with plain `node`. Catches what running from the
// sources hides, such as a data file the compiled server reads but the build does not copy.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ChildServer } from '../helpers/process.js';

let outDir: string;
let dataDir: string;
let server: ChildServer;

beforeAll(async () => {
  mkdirSync('dist', { recursive: true });
  outDir = mkdtempSync(path.resolve('dist', 'test-build-'));
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-data-'));
  execFileSync(
    process.execPath,
    [
      path.resolve('node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
      '--sourceMap',
      'false',
    ],
    { stdio: 'inherit' },
  );
  server = await spawnServer(
    { DATA_DIR: dataDir, CLIENT_DIR: path.resolve('dist/client') },
    { entry: path.join(outDir, 'server', 'main.js') },
  );
}, 120_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the production build', () => {
  it('serves the page and the API', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"');
  });

  it('builds the demo workshop (its fixture ships with the build)', async () => {
    const res = await fetch(`${server.url}/api/demo`, { method: 'POST' });
    expect(res.status).toBe(201);
    const demo = (await res.json()) as { code: string };
    const info = (await (await fetch(`${server.url}/api/workshops/${demo.code}`)).json()) as {
      groups: unknown[];
    };
    expect(info.groups).toHaveLength(6);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
