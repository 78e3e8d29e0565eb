// Starts a real Atelier server on port 0 with its own temporary data directory, in-process.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type AtelierServer } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';

/**
 * A test file creates more workshops (imports, demos) from its one address than a venue does in
 * an hour; the other limits keep their defaults. tests/integration/door-*.test.ts set their own.
 */
const HOURLY_QUOTAS = {
  CREATE_PER_HOUR: '100000',
  IMPORT_PER_HOUR: '100000',
  DEMO_PER_HOUR: '100000',
};

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  server: AtelierServer;
  config: Config;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startServer(
  options: { dataDir?: string; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'atelier-test-'));
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...HOURLY_QUOTAS,
      ...options.env,
    },
    { clientDir: path.resolve('dist/client') },
  );
  const server = createServer(config);
  const { port, url } = await server.listen();
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port,
    dataDir,
    server,
    config,
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
