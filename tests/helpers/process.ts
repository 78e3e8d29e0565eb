// The real server as a child process (`node --import tsx server/main.ts`, or a compiled
// main.js), for tests that kill it, send it signals or run the production build. Its URL is read
// from the "listening" line it logs on stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Every stderr line so far (JSON log lines). */
  lines: string[];
  /** Resolves with the exit code and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const LISTENING = /^Atelier is listening on (http:\/\/\S+)$/;

export function spawnServer(
  env: Record<string, string>,
  options: {
    timeout?: number;
    /** A compiled main.js to run instead of the sources. */ entry?: string;
  } = {},
): Promise<ChildServer> {
  const args = options.entry
    ? [options.entry]
    : ['--import', 'tsx', path.join('server', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: path.resolve('.'),
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${lines.join('\n')}`));
    }, options.timeout ?? 60_000); // tsx compiles on start: slow on a busy 2-core machine
    let buffered = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        let message: string;
        try {
          message = String((JSON.parse(line) as { message?: unknown }).message ?? '');
        } catch {
          continue; // not a log line
        }
        const match = LISTENING.exec(message);
        if (match) {
          clearTimeout(timer);
          resolve({ url: match[1]!, child, lines, exited });
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `server exited before listening (code ${code}, signal ${signal}):\n${lines.join('\n')}`,
        ),
      );
    });
  });
}
