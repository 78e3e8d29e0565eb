// The process entry point: the only module with side effects at import. Reads the environment,
// starts the server, and shuts it down cleanly on SIGTERM / SIGINT.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';

// Compiled to dist/node/server/main.js or run from server/main.ts: the client is in dist/client.
const here = path.dirname(fileURLToPath(import.meta.url));
const root = here.includes(`${path.sep}dist${path.sep}`)
  ? path.resolve(here, '../../..')
  : path.resolve(here, '..');

let config;
try {
  config = loadConfig(process.env, { clientDir: path.join(root, 'dist', 'client') });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
const log = createLogger(config.logLevel);
const server = createServer(config, { log });
const { url } = await server.listen();
log.info(`Atelier is listening on ${url}`, { dataDir: config.dataDir });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  });
}
