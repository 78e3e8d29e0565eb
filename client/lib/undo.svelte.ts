// The console's undo offer (a small store): one toast at a time, for UNDO_MS; the offer it
// replaces can no longer be undone, and what it held (a Yjs undo manager) is released.

/** How long an undo stays offered. */
export const UNDO_MS = 10_000;

/** A way back that holds something to release when it is no longer offered. */
export interface Reversible {
  undo(): void;
  dispose(): void;
}

interface Entry extends Reversible {
  message: string;
  timer: ReturnType<typeof setTimeout>;
}

export interface UndoStore {
  /** What the toast says, or null when nothing can be undone. */
  readonly message: string | null;
  /** Offers `undo` under `message`, replacing (and releasing) the offer before it. */
  offer(message: string, undo: () => void, dispose?: () => void): void;
  /** The same, for something that carries its own undo and release (a plenary edit). */
  offerReversible(message: string, reversible: Reversible): void;
  /** Takes the offer: runs its undo, then the toast goes. */
  undo(): void;
  /** Lets the offer go (closed, timed out, or the page leaving). */
  close(): void;
}

export function createUndoStore(ms = UNDO_MS): UndoStore {
  let current = $state.raw<Entry | null>(null);

  /** Clears the offer; releases it unless it was just taken. */
  function end(release: boolean): Entry | null {
    const entry = current;
    if (!entry) return null;
    clearTimeout(entry.timer);
    current = null;
    if (release) entry.dispose();
    return entry;
  }

  function offer(message: string, undo: () => void, dispose: () => void = () => {}) {
    end(true);
    const entry: Entry = {
      message,
      undo,
      dispose,
      timer: setTimeout(() => {
        if (current === entry) end(true);
      }, ms),
    };
    current = entry;
  }

  return {
    get message() {
      return current?.message ?? null;
    },
    offer,
    offerReversible: (message, reversible) =>
      offer(
        message,
        () => reversible.undo(),
        () => reversible.dispose(),
      ),
    undo() {
      end(false)?.undo();
    },
    close() {
      end(true);
    },
  };
}
