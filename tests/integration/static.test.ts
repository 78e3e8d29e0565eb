// The built client over HTTP, as a browser on poor wifi gets it: precompressed files chosen by
// Accept-Encoding (brotli, gzip, identity) with Vary and the right Content-Type, hashed assets
// immutable for a year, the page and the service worker revalidated; API JSON compressed on the
// fly, Socket.IO polling untouched. A small client directory of our own, precompressed by the same
// function the Vite build runs, so the test does not depend on who built dist/client last.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptQuality, joinPageCode } from '../../server/http/static.js';
import { precompressDir } from '../../server/http/precompress.js';
import { startServer, type TestServer } from '../helpers/server.js';

const SCRIPT = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `mot ${i}`))};\n`;
const STYLE = `${Array.from({ length: 80 }, (_, i) => `.c${i} { color: red; margin: ${i}px; }`).join('\n')}\n`;
const PAGE =
  '<!doctype html><html lang="fr"><head><script type="module" src="/assets/index-Ab_3-xYz.js"></script></head><body><div id="app"></div></body></html>\n';
const WORKER = `// service worker\n${'self.addEventListener("fetch", () => undefined);\n'.repeat(40)}`;

let clientDir: string;
let srv: TestServer;

beforeAll(async () => {
  clientDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-static-'));
  mkdirSync(path.join(clientDir, 'assets'));
  writeFileSync(path.join(clientDir, 'index.html'), PAGE);
  writeFileSync(path.join(clientDir, 'sw.js'), WORKER);
  writeFileSync(path.join(clientDir, 'assets', 'index-Ab_3-xYz.js'), SCRIPT);
  writeFileSync(path.join(clientDir, 'assets', 'index-Qw12Er34.css'), STYLE);
  writeFileSync(path.join(clientDir, 'assets', 'tiny-Zz99Yy88.js'), 'export {};\n');
  precompressDir(clientDir);
  srv = await startServer({ env: { CLIENT_DIR: clientDir } });
});

afterAll(async () => {
  await srv?.stop();
  rmSync(clientDir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with exactly these headers, its body as it came over the wire (fetch would decode it). */
function get(urlPath: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${srv.url}${urlPath}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const CHROME = 'gzip, deflate, br, zstd';

describe('hashed assets', () => {
  it('are sent brotli-compressed to a browser that accepts it, whatever order it lists them in', async () => {
    for (const accept of [CHROME, 'br', 'gzip;q=0.5, br;q=0.9', '*']) {
      const res = await get('/assets/index-Ab_3-xYz.js', { 'accept-encoding': accept });
      expect(res.status, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe('br');
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(Number(res.headers['content-length'])).toBe(res.body.byteLength);
      expect(res.body.byteLength).toBeLessThan(SCRIPT.length / 3);
      expect(brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
    }
  });

  it('are sent gzip-compressed when only gzip is accepted', async () => {
    for (const accept of ['gzip', 'gzip, deflate', 'br;q=0, gzip', 'gzip;q=1, br;q=0.5']) {
      const res = await get('/assets/index-Qw12Er34.css', { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe('gzip');
      expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(gunzipSync(res.body).toString()).toBe(STYLE);
    }
  });

  it('are sent as they are otherwise', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { 'accept-encoding': 'identity' },
      { 'accept-encoding': 'br;q=0, gzip;q=0' },
      { 'accept-encoding': 'deflate' },
    ]) {
      const res = await get('/assets/index-Ab_3-xYz.js', headers);
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(res.body.toString()).toBe(SCRIPT);
    }
  });

  it('below 1 KiB are not compressed, still immutable', async () => {
    const res = await get('/assets/tiny-Zz99Yy88.js', { 'accept-encoding': CHROME });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(res.body.toString()).toBe('export {};\n');
  });

  it('revalidate per encoding: the ETag of the brotli copy answers 304 to brotli only', async () => {
    const first = await get('/assets/index-Ab_3-xYz.js', { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    const again = await get('/assets/index-Ab_3-xYz.js', {
      'accept-encoding': 'br',
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    const gzip = await get('/assets/index-Ab_3-xYz.js', {
      'accept-encoding': 'gzip',
      'if-none-match': etag,
    });
    expect(gzip.status).toBe(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
  });

  it('that do not exist are a 404, not the page', async () => {
    const res = await get('/assets/index-Gone1234.js', { 'accept-encoding': CHROME });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});

describe('the page and the service worker', () => {
  it('index.html answers every page of the app and is always revalidated', async () => {
    for (const page of ['/', '/w/ABCDEF', '/w/ABCDEF/screen', '/organiser', '/index.html']) {
      const res = await get(page, { 'accept-encoding': CHROME });
      expect(res.status, page).toBe(200);
      expect(res.headers['cache-control'], page).toBe('no-cache');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body.toString()).toBe(PAGE);
    }
  });

  it('a join page asks for its workshop at once (a preload), with only a well-formed code', async () => {
    const link = (code: string) =>
      `<link rel="preload" href="/api/workshops/${code}" as="fetch" crossorigin>`;
    for (const [page, code] of [
      ['/w/ACDEFG', 'ACDEFG'],
      ['/w/acdefg/', 'ACDEFG'],
    ] as const) {
      const res = await get(page, { 'accept-encoding': CHROME });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const html = res.body.toString();
      expect(html).toContain(link(code));
      expect(html.replace(`  ${link(code)}\n  `, '')).toBe(PAGE);
    }
    // Not a code (B is not in the alphabet), not the participant's page, or not a code at all.
    for (const page of ['/w/ABCDEF', '/w/ACDEFG/screen', '/w/AC-DEFG', '/w/%22%3E%3Cscript%3E']) {
      const res = await get(page, { 'accept-encoding': CHROME });
      expect(res.status, page).toBe(200);
      expect(res.body.toString(), page).toBe(PAGE);
    }
  });

  it('keeps the security headers on what it serves', async () => {
    const res = await get('/w/ABCDEF', { 'accept-encoding': CHROME });
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const asset = await get('/assets/index-Ab_3-xYz.js', { 'accept-encoding': CHROME });
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sw.js is revalidated at every visit, compressed when asked, typed as JavaScript', async () => {
    const res = await get('/sw.js', { 'accept-encoding': CHROME });
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(brotliDecompressSync(res.body).toString()).toBe(WORKER);
    const plain = await get('/sw.js');
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.body.toString()).toBe(WORKER);
  });
});

describe('on the fly', () => {
  it('API JSON over 1 KiB is compressed, small answers are not', async () => {
    const demo = (await (await fetch(`${srv.url}/api/demo`, { method: 'POST' })).json()) as {
      workshopId: string;
      facilitatorKey: string;
    };
    const exported = await get(`/api/workshops/${demo.workshopId}/export?format=json`, {
      'accept-encoding': 'gzip',
      authorization: `Bearer ${demo.facilitatorKey}`,
    });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-encoding']).toBe('gzip');
    expect(exported.headers.vary).toMatch(/accept-encoding/i);
    const board = JSON.parse(gunzipSync(exported.body).toString()) as { groups: unknown[] };
    expect(board.groups).toHaveLength(6);
    const plain = await get(`/api/workshops/${demo.workshopId}/export?format=json`, {
      authorization: `Bearer ${demo.facilitatorKey}`,
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect({ ...JSON.parse(plain.body.toString()), exportedAt: 0 }).toEqual({
      ...board,
      exportedAt: 0,
    });
    const health = await get('/healthz', { 'accept-encoding': 'gzip' });
    expect(health.headers['content-encoding']).toBeUndefined();
  });

  it('Socket.IO long polling is left to engine.io', async () => {
    const res = await get('/socket.io/?EIO=4&transport=polling', { 'accept-encoding': CHROME });
    // Refused without a token or answered with a handshake, but never by Express's compression.
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBeUndefined();
  });
});

describe('joinPageCode', () => {
  it('reads a code only where the client would', () => {
    expect(joinPageCode('/w/ACDEFG')).toBe('ACDEFG');
    expect(joinPageCode('/w/acdefg/')).toBe('ACDEFG');
    expect(joinPageCode('/w/ACDEFG/facilitate')).toBeNull();
    expect(joinPageCode('/w/ACDEF')).toBeNull();
    expect(joinPageCode('/w/%41CDEFG')).toBe('ACDEFG');
    expect(joinPageCode('/w/%')).toBeNull();
    expect(joinPageCode('/organiser/ACDEFG')).toBeNull();
  });
});

describe('acceptQuality', () => {
  it('reads weights, wildcards and refusals', () => {
    expect(acceptQuality('gzip, deflate, br', 'br')).toBe(1);
    expect(acceptQuality('gzip;q=0.8, *;q=0.1', 'br')).toBe(0.1);
    expect(acceptQuality('br;q=0, *', 'br')).toBe(0);
    expect(acceptQuality('GZIP ; Q=0.5', 'gzip')).toBe(0.5);
    expect(acceptQuality('gzip;q=nonsense', 'gzip')).toBe(0);
    expect(acceptQuality(undefined, 'gzip')).toBe(0);
    expect(acceptQuality('', 'gzip')).toBe(0);
  });
});
