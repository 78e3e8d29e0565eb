// Request/answer over the Node IPC channel between the bench coordinator and its child processes
// (servers, load generators). Every call has a deadline, and a child whose parent goes away exits,
// so nothing outlives the run.
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Request {
  id: number;
  type: string;
  payload: unknown;
}

type Answer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type Handlers = Record<string, (payload: never) => unknown>;

/** Child side: answers the parent's calls with `handlers`; exits when the parent disconnects. */
export function serve(handlers: Handlers): void {
  if (!process.send) throw new Error('this module runs as a forked child of bench/run.ts');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const msg = raw as Request;
    if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'number') return;
    const handler = handlers[msg.type] as ((payload: unknown) => unknown) | undefined;
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown call ${msg.type}`);
        const result = await handler(msg.payload);
        process.send!({ id: msg.id, ok: true, result } satisfies Answer);
      } catch (error) {
        process.send!({
          id: msg.id,
          ok: false,
          error: (error as Error).stack ?? String(error),
        } satisfies Answer);
      }
    })();
  });
}

/** Tells the parent the child is up (with what it wants to share, e.g. its port). */
export function announce(event: Record<string, unknown>): void {
  process.send!({ event: 'ready', ...event });
}

export interface ChildOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Extra node flags (e.g. --expose-gc, --cpu-prof). */
  nodeFlags?: string[];
  /** How long the child has to announce itself. */
  readyTimeoutMs?: number;
  label: string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class Child {
  private next = 1;
  private pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly ready: Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  stderr = '';

  private constructor(
    readonly proc: ChildProcess,
    readonly label: string,
    readyTimeoutMs: number,
  ) {
    live.add(proc);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      // Keep the tail only: enough to explain a crash.
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    if (process.env.BENCH_TRACE_GC && label.includes('server'))
      proc.stdout?.pipe(createWriteStream(process.env.BENCH_TRACE_GC, { flags: 'a' }));
    else proc.stdout?.resume();
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        live.delete(proc);
        for (const p of this.pending.values())
          p.reject(new Error(`${label} exited (${code}): ${this.stderr.slice(-2000)}`));
        this.pending.clear();
        resolve(code);
      }),
    );
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${label} did not start in ${readyTimeoutMs} ms: ${this.stderr}`)),
        readyTimeoutMs,
      );
      proc.on('message', (raw) => {
        const msg = raw as Answer | { event: string };
        if ('event' in msg) {
          if (msg.event === 'ready') {
            clearTimeout(timer);
            resolve(msg as Record<string, unknown>);
          }
          return;
        }
        const waiter = this.pending.get(msg.id);
        if (!waiter) return;
        this.pending.delete(msg.id);
        if (msg.ok) waiter.resolve(msg.result);
        else waiter.reject(new Error(`${label}: ${msg.error}`));
      });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${code}) before it was ready: ${this.stderr}`));
      });
    });
    // A rejection nobody awaits yet must not crash the coordinator.
    this.ready.catch(() => undefined);
  }

  static start(moduleUrl: URL, options: ChildOptions): Child {
    const proc = fork(fileURLToPath(moduleUrl), options.args ?? [], {
      execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    return new Child(proc, options.label, options.readyTimeoutMs ?? 30_000);
  }

  call<T>(type: string, payload: unknown = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: ${type} took more than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (!this.proc.connected) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`${this.label} is gone`));
        return;
      }
      this.proc.send({ id, type, payload } satisfies Request);
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** Asks politely (the `stop` call), then kills after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    try {
      await this.call('stop', {}, graceMs).catch(() => undefined);
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
