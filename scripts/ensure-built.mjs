// `npm start` runs this first: builds the client and the server when a build is missing or older
// than the sources, so a fresh clone needs only `npm install && npm start`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return t;
}

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const sources = Math.max(
  newest('client'),
  newest('shared'),
  newest('server'),
  mtime('package-lock.json'),
);
const builtClient = mtime('dist/client/index.html');
const builtServer = mtime('dist/node/server/main.js');

if (builtClient < sources || builtServer < sources) {
  process.stdout.write('Building Atelier (client and server)…\n');
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
