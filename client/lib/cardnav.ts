// Moving between the console's cards from the keyboard (issue 15): each column is one tab stop;
// the arrows go from card to card (up, down) and from column to column (left, right, at the same
// height or the nearest), Home and End to a column's first and last card. Pure: positions in,
// position out; the columns component reads them from the page and focuses the result.

export interface CardPosition {
  column: number;
  row: number;
}

/** The keys that move, as `KeyboardEvent.key` names them. */
export const CARD_MOVES = [
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
] as const;
export type CardMove = (typeof CARD_MOVES)[number];

export const isCardMove = (key: string): key is CardMove =>
  (CARD_MOVES as readonly string[]).includes(key);

/**
 * Where `key` leads from `from`, given how many cards each column holds; null when it leads
 * nowhere (the first card going up, the last column going right). Empty columns are passed over.
 */
export function moveCard(
  key: CardMove,
  from: CardPosition,
  lengths: number[],
): CardPosition | null {
  const here = lengths[from.column] ?? 0;
  switch (key) {
    case 'ArrowUp':
      return from.row > 0 ? { column: from.column, row: from.row - 1 } : null;
    case 'ArrowDown':
      return from.row < here - 1 ? { column: from.column, row: from.row + 1 } : null;
    case 'Home':
      return here > 0 && from.row !== 0 ? { column: from.column, row: 0 } : null;
    case 'End':
      return here > 0 && from.row !== here - 1 ? { column: from.column, row: here - 1 } : null;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const step = key === 'ArrowLeft' ? -1 : 1;
      for (let c = from.column + step; c >= 0 && c < lengths.length; c += step) {
        const n = lengths[c] ?? 0;
        if (n > 0) return { column: c, row: Math.min(from.row, n - 1) };
      }
      return null;
    }
  }
}
