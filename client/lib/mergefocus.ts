// Where the keyboard goes in the console's merge area (issue 15): to a new item's title after a
// merge, back near an item whose button vanished (split, removal), to a card picked for adjusting.
// Called after the page has updated (the caller awaits Svelte's tick first where it must).
import { tick } from 'svelte';

const itemSelector = (itemId: string) => `[data-item="${CSS.escape(itemId)}"]`;

/** Scrolls an item of the merged board into view, and puts the caret in its title if asked. */
export function revealItem(itemId: string, focusTitle: boolean): void {
  const el = document.querySelector<HTMLElement>(itemSelector(itemId));
  el?.scrollIntoView({
    block: 'nearest',
    behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth',
  });
  if (focusTitle) el?.querySelector<HTMLTextAreaElement>('textarea[name=title]')?.focus();
}

/**
 * After a split or a removal the button pressed is gone: keep the keyboard where it was, on the
 * item's first remaining source, its title, or else the next item. Call it before the change.
 */
export async function keepFocusNear(itemId: string): Promise<void> {
  const list = [...document.querySelectorAll<HTMLElement>('[data-testid=plenary-item]')];
  const index = list.findIndex((el) => el.dataset.item === itemId);
  await tick();
  const same = document.querySelector<HTMLElement>(itemSelector(itemId));
  const target =
    same?.querySelector<HTMLElement>('[data-testid=split]') ??
    same?.querySelector<HTMLElement>('textarea[name=title]') ??
    document.querySelectorAll<HTMLElement>('[data-testid=plenary-item] textarea[name=title]')[
      Math.max(0, index)
    ] ??
    document.querySelector<HTMLElement>('[data-testid=panel-items]');
  target?.focus();
}

/** Focuses a card's pick box in the columns (after "adjust" picked a suggestion's cards). */
export function focusCard(ref: string): void {
  document
    .querySelector<HTMLElement>(`[data-ref="${CSS.escape(ref)}"] input[type=checkbox]`)
    ?.focus({ preventScroll: false });
}
