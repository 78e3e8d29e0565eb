// How busy the machine was during a window, and how much of that was not us: the bench shares
// its two cores with whatever else runs, and a skeptical reader needs to know when it did.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Kernel clock ticks per second for /proc times (USER_HZ; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

interface Snapshot {
  at: number;
  busyTicks: number;
  stealTicks: number;
  ownTicks: number;
}

function machineTicks(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, ...fields] = line.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal. Interrupt time is left out: the kernel's
  // loopback packet processing for our own traffic lands there, charged to no process, and would
  // otherwise look like someone else's load.
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = fields.map(Number);
  return { busy: user + nice + system, steal };
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, i.e. 11 and 12 here (all threads).
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

export interface MachineLoad {
  /** Cores busy on the whole machine during the window. */
  busyCores: number;
  /** Cores used by the bench's own processes (server, load generators, coordinator). */
  ownCores: number;
  /** Cores used by everything else: other people's work on the shared machine. */
  otherCores: number;
  /** Cores stolen by the hypervisor. */
  stealCores: number;
  cores: number;
}

export class LoadWindow {
  private start: Snapshot;
  constructor(private readonly pids: () => number[]) {
    this.start = this.snapshot();
  }

  private snapshot(): Snapshot {
    const m = machineTicks();
    const own = this.pids().reduce((sum, pid) => sum + processTicks(pid), 0);
    return { at: performance.now(), busyTicks: m.busy, stealTicks: m.steal, ownTicks: own };
  }

  /** Load since construction (or the last restart). */
  read(): MachineLoad {
    const end = this.snapshot();
    const seconds = (end.at - this.start.at) / 1000;
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
    const busy = cores(end.busyTicks - this.start.busyTicks);
    const own = Math.min(busy, cores(end.ownTicks - this.start.ownTicks));
    return {
      busyCores: busy,
      ownCores: own,
      otherCores: Math.max(0, busy - own),
      stealCores: cores(end.stealTicks - this.start.stealTicks),
      cores: os.cpus().length,
    };
  }

  restart(): void {
    this.start = this.snapshot();
  }
}

/** Background load in consecutive slots of a window, to tell which edits flew on a quiet machine. */
export interface QuietSlots {
  /** Epoch ms (performance.timeOrigin + performance.now()) at which the first slot starts. */
  startAt: number;
  /** End of each slot, same clock. */
  ends: number[];
  /** Per slot: cores used by other processes. */
  otherCores: number[];
}

const epochNow = () => performance.timeOrigin + performance.now();

/** Samples the machine every `slotMs` until stopped; cheap (a few /proc reads per slot). */
export class LoadSampler {
  private window: LoadWindow;
  private timer: NodeJS.Timeout;
  private readonly slots: QuietSlots;

  constructor(pids: () => number[], slotMs = 250) {
    this.window = new LoadWindow(pids);
    this.slots = { startAt: epochNow(), ends: [], otherCores: [] };
    this.timer = setInterval(() => {
      this.slots.otherCores.push(this.window.read().otherCores);
      this.slots.ends.push(epochNow());
      this.window.restart();
    }, slotMs);
  }

  stop(): QuietSlots {
    clearInterval(this.timer);
    return this.slots;
  }
}

/** Whether [from, to] (epoch ms) lies in slots where other processes used under `limit` cores. */
export function quietBetween(q: QuietSlots, from: number, to: number, limit: number): boolean {
  if (from < q.startAt || q.ends.length === 0 || to > q.ends.at(-1)!) return false;
  // The first slot ending after `from`.
  let lo = 0;
  let hi = q.ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q.ends[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < q.ends.length; i++) {
    if (q.otherCores[i]! >= limit) return false;
    if (q.ends[i]! >= to) return true;
  }
  return false;
}
