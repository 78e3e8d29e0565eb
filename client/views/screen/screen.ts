// What the projection's views share besides styles: the row an item is drawn from, how a long
// board is cut into pages, and the edge that carries an item's group colours.

export interface ScreenGroup {
  name: string;
  color: string;
}

/** One merged item as the projection draws it. */
export interface ScreenRow {
  id: string;
  title: string;
  body: string;
  groups: ScreenGroup[];
  /** Null while the votes are hidden. */
  total: number | null;
  /** Null while the votes are hidden, and while no item has a vote (all would rank 1). */
  rank: number | null;
  impact: number | null;
  feasibility: number | null;
}

/** At most this many items on one page: two columns of six stay readable from the back at 720p. */
export const PAGE_MAX = 12;
/** Up to this many items on a page, one column. */
export const ONE_COLUMN_MAX = 5;
/** A page stays up this long before the next turns (time to read a dozen titles aloud). */
export const PAGE_MS = 12_000;

export interface PageLayout {
  pages: number;
  perPage: number;
  columns: 1 | 2;
  rows: number;
}

/**
 * Pages of even size: twenty items make two pages of ten rather than twelve and eight, so every
 * page is set at the same size and the last one does not look half empty.
 */
export function pageLayout(count: number, max = PAGE_MAX): PageLayout {
  const pages = Math.max(1, Math.ceil(count / max));
  const perPage = Math.max(1, Math.ceil(count / pages));
  const columns = perPage <= ONE_COLUMN_MAX ? 1 : 2;
  return { pages, perPage, columns, rows: Math.ceil(perPage / columns) };
}

/** The type scale of a page: fewer rows, larger type, so a short board still fills the screen. */
export function rowScale(rows: number): number {
  if (rows <= 2) return 1.6;
  if (rows <= 3) return 1.4;
  if (rows <= 4) return 1.2;
  if (rows <= 5) return 1.08;
  return 1;
}

/** The left edge of an item: one band per group it came from, in the groups' colours. */
export function edgeOf(groups: ScreenGroup[]): string {
  if (groups.length === 0) return 'var(--s-muted)';
  const step = 100 / groups.length;
  return `linear-gradient(to bottom, ${groups.map((g, i) => `${g.color} ${i * step}% ${(i + 1) * step}%`).join(', ')})`;
}
