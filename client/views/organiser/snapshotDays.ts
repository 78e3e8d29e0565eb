// The snapshot timeline's days: snapshots grouped by the calendar day they were taken (automatic
// ones can come seconds apart), and whether a time is today's (then its date goes unsaid).

export interface SnapshotDay<T> {
  /** The day's key (the local calendar date). */
  day: string;
  label: string;
  items: T[];
}

/** The local calendar day of a time, as a key. */
export const dayOf = (ms: number): string => new Date(ms).toDateString();

export const isSameDay = (a: number, b: number): boolean => dayOf(a) === dayOf(b);

/** Consecutive items of one day in one group, in the order given (newest first on the page). */
export function groupByDay<T extends { createdAt: number }>(
  items: readonly T[],
  label: (ms: number) => string,
): SnapshotDay<T>[] {
  const out: SnapshotDay<T>[] = [];
  for (const item of items) {
    const day = dayOf(item.createdAt);
    const last = out.at(-1);
    if (last?.day === day) last.items.push(item);
    else out.push({ day, label: label(item.createdAt), items: [item] });
  }
  return out;
}
