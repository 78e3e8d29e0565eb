// The console's merge operations on the merged board: a new item from picked cards, cards added to
// an item, a suggestion accepted, a source split back out, an item removed; each offers its undo.
// Which cards go where is decided here; the caller says how to show the result (scroll, focus).
import type { PlenaryItem, Recommendation } from '../../shared/doc.js';
import type { Reversible } from './undo.svelte.js';

/** What the actions need of the merged board (client/lib/plenary.svelte.ts's editor). */
export interface MergeBoard {
  merge(
    sources: string[],
    text: { title: string; body: string },
  ): { itemId: string; undo: Reversible };
  addTo(itemId: string, refs: string[]): Reversible;
  split(itemId: string, ref: string): { remains: boolean; undo: Reversible };
  removeItem(itemId: string): Reversible;
}

/** The toasts' words, in the page's language. */
export interface MergeWords {
  merged(count: number): string;
  promoted(): string;
  added(count: number, title: string): string;
  split(title: string): string;
  splitLast(title: string): string;
  removed(title: string): string;
  untitled(): string;
  sourceGone(): string;
}

export interface MergeDeps {
  board: MergeBoard;
  offer(message: string, undo: Reversible): void;
  items(): PlenaryItem[];
  recOf(ref: string): Recommendation | undefined;
  votesOf(ref: string): number;
  readonly(): boolean;
  words: MergeWords;
  /** Shows an item once it is made or grown (and puts the caret in its title when asked). */
  show(itemId: string, focusTitle: boolean): void;
  /** Called before an item loses a source or goes, while its buttons are still in the page. */
  keepFocus(itemId: string): void;
}

/** The cards of `refs` not yet in `item`, in their order. */
export function refsToAdd(item: PlenaryItem, refs: string[]): string[] {
  return refs.filter((ref) => !item.sources.includes(ref));
}

/** The best-voted of `sources` (the first of them on a tie): its wording names a new item. */
export function bestVoted(sources: string[], votesOf: (ref: string) => number): string | undefined {
  return [...sources].sort((a, b) => votesOf(b) - votesOf(a))[0];
}

export interface MergeActions {
  /** A new item from the picked cards, titled after the first; its id, or null if nothing was done. */
  mergeCards(refs: string[]): string | null;
  /** Adds the cards not already in the item; whether anything was added. */
  addCards(itemId: string, refs: string[]): boolean;
  /**
   * Accepts a suggestion: into `into` when some of its cards already are there, else as a new item
   * named after its best-voted card. The panel stays on the suggestions (nothing is shown), so
   * the next one is one step away. The item's id, or null if nothing was done.
   */
  acceptSuggestion(sources: string[], into: string | null): string | null;
  split(item: PlenaryItem, ref: string): void;
  remove(item: PlenaryItem): void;
}

export function createMergeActions(deps: MergeDeps): MergeActions {
  const { board, words } = deps;
  const titleOf = (item: PlenaryItem) => item.title.trim() || words.untitled();
  const find = (itemId: string) => deps.items().find((i) => i.id === itemId);

  function add(itemId: string, refs: string[]): boolean {
    const item = find(itemId);
    const fresh = item ? refsToAdd(item, refs) : [];
    if (!item || fresh.length === 0 || deps.readonly()) return false;
    deps.offer(words.added(fresh.length, titleOf(item)), board.addTo(itemId, fresh));
    return true;
  }

  return {
    mergeCards(refs) {
      if (refs.length === 0 || deps.readonly()) return null;
      const first = deps.recOf(refs[0]!);
      const { itemId, undo } = board.merge(refs, {
        title: first?.title ?? '',
        body: first?.body ?? '',
      });
      deps.offer(refs.length > 1 ? words.merged(refs.length) : words.promoted(), undo);
      deps.show(itemId, true);
      return itemId;
    },
    addCards(itemId, refs) {
      if (!add(itemId, refs)) return false;
      deps.show(itemId, false);
      return true;
    },
    acceptSuggestion(sources, into) {
      if (deps.readonly()) return null;
      if (into) return add(into, sources) ? into : null;
      const rec = deps.recOf(bestVoted(sources, deps.votesOf) ?? '');
      const { itemId, undo } = board.merge(sources, {
        title: rec?.title ?? '',
        body: rec?.body ?? '',
      });
      deps.offer(words.merged(sources.length), undo);
      return itemId;
    },
    split(item, ref) {
      const source = deps.recOf(ref);
      deps.keepFocus(item.id);
      const { remains, undo } = board.split(item.id, ref);
      deps.offer(
        remains
          ? words.split(source?.title.trim() || words.sourceGone())
          : words.splitLast(titleOf(item)),
        undo,
      );
    },
    remove(item) {
      deps.keepFocus(item.id);
      deps.offer(words.removed(titleOf(item)), board.removeItem(item.id));
    },
  };
}
