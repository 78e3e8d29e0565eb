// The checks of the long runs. An edit is a Yjs item, named by (clientID, clock); a replica's state
// vector says which items of each writer it holds. What a client observed from others is its
// state vector without its own clientID; the database must hold at least that, for every client.
import * as Y from 'yjs';
import { readRecommendations } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { createSqliteStore } from '../../server/store/sqlite.js';
import type { Replica } from './clients.js';
import type { Workshop } from './sim.js';

/** Per writer (clientID), how many of its items are known. */
export type Vector = Map<number, number>;

export const docKey = (workshopId: string, docName: string) => `${workshopId}/${docName}`;

export function vectorOf(doc: Y.Doc): Vector {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

/**
 * Per document, the items some client holds from another writer: the element-wise maximum over
 * the replicas of their state vectors, each without its own clientID (what it typed and may not
 * have sent yet is not owed by the server). `includeOwn` keeps them (after convergence).
 */
export function observed(replicas: Replica[], includeOwn = false): Map<string, Vector> {
  const out = new Map<string, Vector>();
  for (const r of replicas) {
    const key = docKey(r.workshopId, r.docName);
    const acc = out.get(key) ?? new Map<number, number>();
    out.set(key, acc);
    for (const [client, clock] of vectorOf(r.doc)) {
      if (!includeOwn && client === r.doc.clientID) continue;
      acc.set(client, Math.max(acc.get(client) ?? 0, clock));
    }
  }
  return out;
}

/** Items in `expected` that `actual` lacks. */
export function deficit(expected: Vector, actual: Vector): number {
  let missing = 0;
  for (const [client, clock] of expected) missing += Math.max(0, clock - (actual.get(client) ?? 0));
  return missing;
}

export function items(vector: Vector): number {
  let n = 0;
  for (const clock of vector.values()) n += clock;
  return n;
}

/** A document's cards as plain data, in a stable order: what "the same content" means here. */
export function content(doc: Y.Doc): string {
  return JSON.stringify(readRecommendations(doc));
}

export interface StoredState {
  /** Per document key, the document rebuilt from its rows. */
  docs: Map<string, Y.Doc>;
  /** Per participant, their dots in phase vote. */
  votes: Map<string, Record<string, number>>;
}

/**
 * Reads the database the way the server loads it (the store's own code), while no server runs:
 * every listed document, and every vote of the workshops.
 */
export async function readStored(
  databaseFile: string,
  workshops: Workshop[],
): Promise<StoredState> {
  const store = createSqliteStore(databaseFile);
  try {
    const docs = new Map<string, Y.Doc>();
    const votes = new Map<string, Record<string, number>>();
    for (const w of workshops) {
      for (const g of w.groups) {
        const docName = groupDocName(g.id);
        const stored = await store.loadDoc(w.workshopId, docName);
        const doc = new Y.Doc();
        doc.transact(() => {
          if (stored.state) Y.applyUpdate(doc, stored.state);
          for (const update of stored.updates) Y.applyUpdate(doc, update);
        });
        docs.set(docKey(w.workshopId, docName), doc);
      }
      for (const p of w.participants) votes.set(p.id, {});
      for (const v of await store.allVotes(w.workshopId)) {
        if (v.phase !== 'vote' || v.count === 0) continue;
        const mine = votes.get(v.participantId) ?? {};
        mine[v.targetId] = (mine[v.targetId] ?? 0) + v.count;
        votes.set(v.participantId, mine);
      }
    }
    return { docs, votes };
  } finally {
    await store.close();
  }
}

/** Dots as a comparable string (zero counts dropped, keys sorted). */
export function dots(votes: Record<string, number>): string {
  return JSON.stringify(
    Object.entries(votes)
      .filter(([, n]) => n !== 0)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
