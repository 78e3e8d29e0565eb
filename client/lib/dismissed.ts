// Merge suggestions the facilitator dismissed, per workshop, in localStorage: a dismissed set of
// recommendations is not offered again on this device (the server knows nothing of it).
const PREFIX = 'atelier.dismissed.';

/** A suggestion's identity: its sources, sorted, whatever order the server sent them in. */
export function suggestionKey(sources: string[]): string {
  return [...sources].sort().join('|');
}

export function loadDismissed(workshopId: string): Set<string> {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(PREFIX + workshopId) ?? '[]');
    return new Set(
      Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [],
    );
  } catch {
    return new Set();
  }
}

export function saveDismissed(workshopId: string, keys: Set<string>): void {
  try {
    localStorage.setItem(PREFIX + workshopId, JSON.stringify([...keys]));
  } catch {
    // Not remembered beyond this page.
  }
}
