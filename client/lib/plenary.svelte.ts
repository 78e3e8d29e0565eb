// The facilitator's hand on the merged board (the `plenary` document): merge recommendations into
// an item, add more to it, split one back out, remove an item, score it, and co-edit its title
// and body. Every change that takes something away returns an Undo: a Y.UndoManager scoped to
// that one action (its own origin), so undoing it never undoes anything else, and a deleted
// item comes back whole, with the same id and the same text.
import * as Y from 'yjs';
import {
  addItem,
  addSources,
  itemsMap,
  removeItem,
  removeSource,
  setItemScores,
  type PlenaryItem,
} from '../../shared/doc.js';
import { generateId, PLENARY_DOC } from '../../shared/ids.js';
import { createLiveDoc, type LiveDoc } from './groupdoc.svelte.js';
import { createFieldBindings, type Field, type FieldAttachment } from './attachments.js';

export interface Undo {
  undo(): void;
  /** Forgets the action (the toast went away): frees what it kept for undoing. */
  dispose(): void;
}

export type ItemField = Field;

export class PlenaryEditor {
  readonly live: LiveDoc;
  readonly #fields = createFieldBindings({ entries: () => itemsMap(this.live.doc) });

  constructor(options: { workshopId: string; token: string; onUnauthorized: () => void }) {
    this.live = createLiveDoc({
      workshopId: options.workshopId,
      docName: PLENARY_DOC,
      token: options.token,
      user: null,
      onUnauthorized: options.onUnauthorized,
    });
  }

  get items(): PlenaryItem[] {
    return this.live.items;
  }

  /** Runs one user action as one transaction with its own origin, and returns how to undo it. */
  #undoable<T>(run: () => T): { result: T; undo: Undo } {
    const doc = this.live.doc;
    const origin = { action: 'console' };
    const manager = new Y.UndoManager(itemsMap(doc), {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- Yjs's option, never read by Svelte
      trackedOrigins: new Set([origin]),
      captureTimeout: 0,
    });
    let result!: T;
    doc.transact(() => {
      result = run();
    }, origin);
    let done = false;
    return {
      result,
      undo: {
        undo: () => {
          if (done) return;
          done = true;
          manager.undo();
          manager.destroy();
        },
        dispose: () => {
          done = true;
          manager.destroy();
        },
      },
    };
  }

  /** A new item from these recommendations (one: a promotion as is), titled after the first. */
  merge(sources: string[], text: { title: string; body: string }): { itemId: string; undo: Undo } {
    const itemId = generateId();
    const { undo } = this.#undoable(() =>
      addItem(this.live.doc, {
        id: itemId,
        title: text.title,
        body: text.body,
        sources,
        createdAt: Date.now(),
      }),
    );
    return { itemId, undo };
  }

  /** Adds recommendations to an existing item (those already in it are skipped). */
  addTo(itemId: string, refs: string[]): Undo {
    return this.#undoable(() => addSources(this.live.doc, itemId, refs)).undo;
  }

  /** Split back: one source out of an item; the item goes with its last source. */
  split(itemId: string, ref: string): { remains: boolean; undo: Undo } {
    const { result, undo } = this.#undoable(() => removeSource(this.live.doc, itemId, ref));
    return { remains: result, undo };
  }

  removeItem(itemId: string): Undo {
    return this.#undoable(() => removeItem(this.live.doc, itemId)).undo;
  }

  setScores(itemId: string, scores: { impact?: number | null; feasibility?: number | null }): void {
    setItemScores(this.live.doc, itemId, scores);
  }

  /** An attachment binding an item's field to its shared text (one per field, kept). */
  bind(itemId: string, field: ItemField): FieldAttachment {
    return this.#fields.bind(itemId, field);
  }

  destroy(): void {
    this.live.destroy();
  }
}

export function createPlenaryEditor(options: {
  workshopId: string;
  token: string;
  onUnauthorized: () => void;
}): PlenaryEditor {
  return new PlenaryEditor(options);
}
