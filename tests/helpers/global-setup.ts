// Builds the client once before the browser tests, unless an up-to-date build exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = path.resolve('dist/client/index.html');
  const sources = Math.max(
    newestMtime(path.resolve('client')),
    newestMtime(path.resolve('shared')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
      // Vitest sets NODE_ENV=test, which would give a development bundle (import.meta.env.PROD
      // false: no service worker); the browser tests must run what `npm start` serves.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
}
