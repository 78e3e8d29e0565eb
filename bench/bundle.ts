// The participant page's JavaScript, as a browser downloads it: the client is built with the
// project's Vite config into a temporary directory (the shared dist/ is left alone), and the
// scripts index.html loads up front (entry + modulepreload) are gzipped like a server would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  /** JavaScript index.html loads before the page runs (entry and preloaded chunks). */
  initialRawBytes: number;
  initialGzipBytes: number;
  /** Every .js file of the build, lazily loaded chunks included. */
  allRawBytes: number;
  allGzipBytes: number;
  files: { file: string; rawBytes: number; gzipBytes: number; initial: boolean }[];
  builtFrom: 'fresh build' | 'existing dist/client';
  buildMs: number;
}

export function measureBundle(repoRoot: string, options: { build: boolean }): BundleSize {
  let outDir = path.join(repoRoot, 'dist', 'client');
  let scratch: string | null = null;
  const t0 = performance.now();
  if (options.build) {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-client-'));
    outDir = scratch;
    execFileSync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/vite/bin/vite.js'),
        'build',
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 },
    );
  }
  const buildMs = performance.now() - t0;
  try {
    const html = existsSync(path.join(outDir, 'index.html'))
      ? readFileSync(path.join(outDir, 'index.html'), 'utf8')
      : '';
    const initial = new Set(
      [
        ...html.matchAll(
          /<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g,
        ),
      ].map((m) => path.basename(m[1]!)),
    );
    const assets = path.join(outDir, 'assets');
    const files = (existsSync(assets) ? readdirSync(assets) : [])
      .filter((f) => f.endsWith('.js'))
      .map((file) => {
        const bytes = readFileSync(path.join(assets, file));
        return {
          file,
          rawBytes: bytes.byteLength,
          gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
          initial: initial.has(file),
        };
      })
      .sort((a, b) => b.gzipBytes - a.gzipBytes);
    const sum = (list: typeof files, key: 'rawBytes' | 'gzipBytes') =>
      list.reduce((n, f) => n + f[key], 0);
    const first = files.filter((f) => f.initial);
    return {
      initialRawBytes: sum(first, 'rawBytes'),
      initialGzipBytes: sum(first, 'gzipBytes'),
      allRawBytes: sum(files, 'rawBytes'),
      allGzipBytes: sum(files, 'gzipBytes'),
      files,
      builtFrom: options.build ? 'fresh build' : 'existing dist/client',
      buildMs,
    };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
