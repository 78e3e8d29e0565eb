// What screen reader users would otherwise miss on the participant board, said through the page's
// live region (client/lib/announce.ts gathers a burst into one message): a teammate's new card, a
// new item on the merged board, someone joining the group, votes revealed, writing frozen or the
// workshop closed. Nothing is said for what was already there when the board opened.
// Call during the board's initialisation: the watches are effects of the component.
/* eslint-disable svelte/prefer-svelte-reactivity -- the sets hold ids already seen, read inside
   untrack: bookkeeping, never rendered */
import { untrack } from 'svelte';
import type { PlenaryItem, Recommendation } from '../../../shared/doc.js';
import type { ParticipantPresence } from '../../../shared/protocol.js';
import { announce } from '../../lib/announce.js';
import { t } from '../../lib/i18n.svelte.js';

export interface BoardNewsSource {
  meId: string;
  /** Whether the live state has come (before it, nobody is "joining"). */
  live(): boolean;
  /** My group's cards, and whether its document is in step with the server. */
  myCards(): { list: readonly Recommendation[]; ready: boolean };
  /** The merged board's items while it is on screen and loaded, else null. */
  mergedItems(): readonly PlenaryItem[] | null;
  members(): readonly ParticipantPresence[];
  revealed(): boolean;
  frozen(): boolean;
  closed(): boolean;
}

const titleOf = (title: string) => title.trim() || t('card.untitled');

export function announceBoardNews(src: BoardNewsSource): void {
  let knownCards: Set<string> | null = null;
  $effect(() => {
    const { list, ready } = src.myCards();
    untrack(() => {
      if (!ready && knownCards === null) return;
      if (knownCards !== null)
        for (const r of list)
          if (!knownCards.has(r.id) && r.authorId !== src.meId)
            announce(t('a11y.newCard', { title: titleOf(r.title) }));
      knownCards = new Set(list.map((r) => r.id));
    });
  });

  // On the merged board: each new item (a merge by the facilitator).
  let knownItems: Set<string> | null = null;
  $effect(() => {
    const list = src.mergedItems();
    untrack(() => {
      if (list === null) {
        knownItems = null;
        return;
      }
      if (knownItems !== null)
        for (const item of list)
          if (!knownItems.has(item.id)) announce(t('a11y.merged', { title: titleOf(item.title) }));
      knownItems = new Set(list.map((item) => item.id));
    });
  });

  let knownMembers: Set<string> | null = null;
  $effect(() => {
    const members = src.members();
    untrack(() => {
      if (!src.live()) return;
      if (knownMembers !== null)
        for (const p of members)
          if (!knownMembers.has(p.participantId)) announce(t('a11y.joined', { name: p.name }));
      knownMembers = new Set(members.map((p) => p.participantId));
    });
  });

  let wasRevealed: boolean | null = null;
  $effect(() => {
    const revealed = src.revealed();
    untrack(() => {
      if (!src.live()) return;
      if (wasRevealed === false && revealed) announce(t('a11y.votesRevealed'), { key: 'revealed' });
      wasRevealed = revealed;
    });
  });

  let wasFrozen: boolean | null = null;
  let wasClosed: boolean | null = null;
  $effect(() => {
    const nowFrozen = src.frozen();
    const nowClosed = src.closed();
    untrack(() => {
      if (!src.live()) return;
      if (wasClosed === false && nowClosed) announce(t('phase.closedInputs'), { key: 'closed' });
      else if (wasFrozen === false && nowFrozen)
        announce(t('phase.frozenInputs'), { key: 'frozen' });
      wasFrozen = nowFrozen;
      wasClosed = nowClosed;
    });
  });
}
