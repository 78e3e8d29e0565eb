// A throwaway redis-server for one test file: on a free loopback port, nothing saved to disk
// (--save '', no append-only file), stopped at the end. Per file, not global: the cluster tests
// pause it (SIGSTOP) and must not pause another file's Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface TestRedis {
  url: string;
  child: ChildProcess;
  /** SIGSTOP: the server keeps its connections but answers nothing until resume(). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Answers once a PING gets its PONG (the server is ready), or rejects after `timeoutMs`. */
function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      const retry = () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server on ${port} did not answer`));
        else setTimeout(attempt, 50);
      };
      socket.once('error', retry);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        answer += chunk.toString();
        if (answer.includes('+PONG')) {
          socket.destroy();
          resolve();
        } else if (answer.includes('-')) retry();
      });
    };
    attempt();
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`redis-server could not start (is it installed?): ${String(error)}`)),
    ),
  );
  await Promise.race([waitForPong(port, 30_000), spawnError]);
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
