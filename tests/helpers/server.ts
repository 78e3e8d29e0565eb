// Starts a real Atelier server on port 0 with its own temporary data directory, in-process.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type AtelierServer } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';

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
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...options.env },
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
