// Boards at hand on the organiser's snapshot page, to name the sources of merged items and to show
// a snapshot: a snapshot's board never changes and is fetched once; the live board ('now') is
// fetched every time. A failed fetch answers null and is not kept.
import type { BoardExport } from '../../../shared/export.js';

export const LIVE_BOARD = 'now';

export interface BoardCache {
  get(id: string): Promise<BoardExport | null>;
}

export function createBoardCache(fetchBoard: (id: string) => Promise<BoardExport>): BoardCache {
  const boards = new Map<string, BoardExport>();
  return {
    async get(id) {
      const kept = id === LIVE_BOARD ? undefined : boards.get(id);
      if (kept) return kept;
      try {
        const board = await fetchBoard(id);
        if (id !== LIVE_BOARD) boards.set(id, board);
        return board;
      } catch {
        return null;
      }
    },
  };
}
