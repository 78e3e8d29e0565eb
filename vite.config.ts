// Vite builds the Svelte client into dist/client; in development it proxies the API, Socket.IO
// and the Yjs WebSockets to the server (scripts/dev.mjs starts both). Vitest reads the `test` part.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const serverPort = Number(process.env.ATELIER_SERVER_PORT ?? 3001);
const target = `http://127.0.0.1:${serverPort}`;

export default defineConfig({
  root: 'client',
  plugins: [svelte()],
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
    globalSetup: ['tests/helpers/global-setup.ts'],
    // A safety net, not a measure: browser tests on a loaded 2-core machine can take a while.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: test files run two at a time; browser tests are the heaviest.
    maxWorkers: 2,
  },
});
