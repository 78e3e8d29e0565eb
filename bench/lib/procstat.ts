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
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
  return { busy: user + nice + system + irq + softirq, steal };
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
