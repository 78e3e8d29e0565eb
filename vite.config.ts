// Vite builds the Svelte client into dist/client; in development it proxies the API, Socket.IO
// and the Yjs WebSockets to the server (scripts/dev.mjs starts both). Vitest reads the `test` part.
import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { precompressDir } from './server/http/precompress.js';

const serverPort = Number(process.env.ATELIER_SERVER_PORT ?? 3001);
const target = `http://127.0.0.1:${serverPort}`;

/**
 * Writes .br and .gz beside each built text file (server/http/precompress.ts), once all of them,
 * public/ included, are in the output directory: the server then compresses nothing per request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'atelier:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const r = precompressDir(outDir);
        const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
        this.info(
          `precompressed ${r.files} files: ${kB(r.rawBytes)} → brotli ${kB(r.brBytes)}, gzip ${kB(r.gzipBytes)}`,
        );
      },
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [svelte(), precompress()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    port: 3000,
    proxy: {
      '/api': target,
      '/healthz': target,
      '/socket.io': { target, ws: true },
      '/yjs': { target, ws: true },
    },
  },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/helpers/global-setup.ts', 'tests/helpers/postgres-cluster.ts'],
    // A safety net, not a measure: browser tests on a loaded 2-core machine can take a while.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: test files run two at a time; browser tests are the heaviest.
    maxWorkers: 2,
  },
});
