// The icon table: every pictogram the client draws, by name, as path data on a square grid.
// Icon.svelte draws them; a new icon is a new entry here, never an inline <svg> in a view.

/** One shape of an icon: an outline (stroked, the default) or a solid area (`filled`). */
export interface IconShape {
  readonly d: string;
  readonly filled?: boolean;
}

export interface IconDefinition {
  /** Side of the square viewBox, in the path data's units. */
  readonly grid: 16 | 20 | 24;
  /** Outline width in grid units (the icon's weight at 1em). */
  readonly stroke: number;
  readonly shapes: readonly IconShape[];
}

export const icons = {
  /** The merged board's tab: four squares. */
  board: {
    grid: 16,
    stroke: 0,
    shapes: [{ d: 'M2 2h5v5H2zM9 2h5v5H9zM2 9h5v5H2zM9 9h5v5H9z', filled: true }],
  },
  check: { grid: 24, stroke: 2.2, shapes: [{ d: 'M5 12.5 10 17l9-10' }] },
  /** The small check of a card already merged (console columns). */
  checkSmall: { grid: 16, stroke: 2.2, shapes: [{ d: 'M3 8.5l3 3 7-7' }] },
  close: { grid: 20, stroke: 2, shapes: [{ d: 'M5 5l10 10M15 5L5 15' }] },
  download: { grid: 16, stroke: 1.8, shapes: [{ d: 'M8 2v8m0 0L4.5 6.5M8 10l3.5-3.5M3 13h10' }] },
  eye: {
    grid: 24,
    stroke: 2,
    shapes: [
      { d: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z' },
      // The pupil: a solid circle of radius 3 at (12, 12).
      { d: 'M9 12a3 3 0 1 0 6 0a3 3 0 1 0-6 0z', filled: true },
    ],
  },
  eyeOff: {
    grid: 24,
    stroke: 2,
    shapes: [
      {
        d: 'M3 3l18 18M10.6 5.1A10 10 0 0 1 12 5c6.4 0 10 7 10 7a17 17 0 0 1-3.2 4M6.6 6.6C3.9 8.3 2 12 2 12s3.6 7 10 7c1.6 0 3-.4 4.3-1',
      },
    ],
  },
  link: {
    grid: 24,
    stroke: 1.8,
    shapes: [
      {
        d: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
      },
    ],
  },
  print: {
    grid: 16,
    stroke: 1.6,
    shapes: [{ d: 'M4 6V1.5h8V6M4 12H2.5V6.5h11V12H12M4 9.5h8v5H4z' }],
  },
  refresh: { grid: 20, stroke: 1.8, shapes: [{ d: 'M16 10a6 6 0 1 1-1.8-4.3M16 3.5v3.2h-3.2' }] },
  /** Restore and undo: an arrow turning back. */
  restore: { grid: 16, stroke: 1.8, shapes: [{ d: 'M3 8a5 5 0 1 0 1.6-3.7M3 2.5v2.8h2.8' }] },
  /** The projection screen: a monitor on its stand. */
  screen: { grid: 24, stroke: 1.8, shapes: [{ d: 'M3 5h18v11H3zM8 20h8M12 16v4' }] },
  timer: {
    grid: 24,
    stroke: 2,
    shapes: [
      // The dial: a circle of radius 8 at (12, 13).
      { d: 'M4 13a8 8 0 1 0 16 0a8 8 0 1 0-16 0z' },
      { d: 'M12 9v4l2.5 2M9.5 2.5h5' },
    ],
  },
  trash: {
    grid: 24,
    stroke: 1.8,
    shapes: [
      { d: 'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3' },
    ],
  },
  upload: { grid: 16, stroke: 1.8, shapes: [{ d: 'M8 11V2m0 0L4.5 5.5M8 2l3.5 3.5M3 13h10' }] },
  warning: { grid: 16, stroke: 1.6, shapes: [{ d: 'M8 1.5 15 14H1L8 1.5Zm0 4.5v3.5m0 2v.5' }] },
} as const satisfies Record<string, IconDefinition>;

export type IconName = keyof typeof icons;
