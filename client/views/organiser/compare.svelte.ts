// The organiser's comparison of two boards: which two are picked (a snapshot, or the live board
// 'now'), and the last comparison asked for, with both boards to name merged items' sources.
import type { BoardComparison } from '../../../shared/compare.js';
import type { BoardExport } from '../../../shared/export.js';
import type { Busy } from './busy.svelte.js';
import { LIVE_BOARD } from './boardCache.js';

export interface ShownComparison {
  result: BoardComparison;
  before: BoardExport | null;
  after: BoardExport | null;
}

export interface CompareDeps {
  compare(from: string, to: string): Promise<BoardComparison>;
  boardOf(id: string): Promise<BoardExport | null>;
  busy: Busy;
}

export class SnapshotComparison {
  from = $state('');
  to = $state(LIVE_BOARD);
  shown = $state<ShownComparison | null>(null);

  constructor(private readonly deps: CompareDeps) {}

  get running(): boolean {
    return this.deps.busy.has('compare');
  }

  /** Compares the two picked; an answer that comes after the choice changed is dropped. */
  async run(): Promise<void> {
    if (this.from === '' || this.from === this.to) {
      this.shown = null;
      return;
    }
    const { from, to } = this;
    await this.deps.busy.run('compare', async () => {
      const [result, before, after] = await Promise.all([
        this.deps.compare(from, to),
        this.deps.boardOf(from),
        this.deps.boardOf(to),
      ]);
      if (from === this.from && to === this.to) this.shown = { result, before, after };
    });
  }

  /** After the live board changed (a restore, an undo): a comparison with it is out of date. */
  async refreshIfLive(): Promise<void> {
    if (this.to === LIVE_BOARD && this.from) await this.run();
  }
}
