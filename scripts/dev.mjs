// `npm run dev`: the server (tsx watch, port 3001) and Vite (port 3000, proxying /api,
// /socket.io and /yjs to it) together; Ctrl+C stops both.
import { spawn } from 'node:child_process';

const serverPort = process.env.ATELIER_SERVER_PORT ?? '3001';
const children = [
  spawn('node', ['--import', 'tsx', '--watch', 'server/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: serverPort, CLIENT_DIR: '' },
  }),
  spawn('node', ['node_modules/vite/bin/vite.js'], {
    stdio: 'inherit',
    env: { ...process.env, ATELIER_SERVER_PORT: serverPort },
  }),
];

function stop(code = 0) {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
}
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
