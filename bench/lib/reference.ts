// The reference Yjs server the benchmark measures against (Hocuspocus) is installed here, when a
// run needs it, into bench/servers/node_modules: it declares Node >= 22, and the project's own
// `npm install` on Node 20 must stay clean. Its peers (yjs, y-protocols) come from the project's.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));

/** Installs bench/servers/package.json's dependencies once; later runs find them there. */
export function ensureReferenceServers(): void {
  if (existsSync(`${serversDir}node_modules/@hocuspocus/server/package.json`)) return;
  console.log('bench: installing the reference server (@hocuspocus/server) into bench/servers');
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      serversDir,
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      // One yjs in the process: the server's peers resolve to the project's copy.
      '--legacy-peer-deps',
      // It declares Node >= 22 and runs on 20 (the figures in docs/benchmarks.md were taken so).
      '--engine-strict=false',
    ],
    { stdio: 'inherit' },
  );
}
