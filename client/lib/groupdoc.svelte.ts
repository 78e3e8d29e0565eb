// One shared Yjs document of a workshop (a group's board or the plenary), as runes: the
// Y.Doc cached in IndexedDB (edits made offline survive and leave on reconnection), the
// y-websocket provider (reconnecting with jittered backoff), awareness (who is here and what they
// edit) and the connection state with the count of changes waiting to be sent.
// The only importer of y-websocket and y-indexeddb.
import { createSubscriber } from 'svelte/reactivity';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { generateId } from '../../shared/ids.js';
import {
  addRecommendation,
  readItems,
  readRecommendation,
  readRecommendations,
  recommendationsMap,
  removeRecommendation,
  type PlenaryItem,
  type Recommendation,
} from '../../shared/doc.js';
import { ApiError } from './api.js';
import { createFieldBindings, type Field, type FieldAttachment } from './attachments.js';
import { createReconnector, pageNetwork, watchNetwork } from './backoff.js';
import { classifyClose } from './refusals.js';
import { connectionTicket, forgetTicket } from './tickets.js';

export type ConnectionStatus = 'connected' | 'syncing' | 'offline';

export interface PresenceUser {
  participantId: string;
  name: string;
  color: string;
}
export interface Peer {
  clientId: number;
  user: PresenceUser;
  editing: { recId: string; field: Field } | null;
}

export interface LiveDocOptions {
  workshopId: string;
  docName: string;
  token: string;
  /** Awareness: who I am, for the others. Null for a document I only read. */
  user: PresenceUser | null;
  /** The server refused the token (4401) or this workshop (4403); 'removed' when the facilitator removed this person. */
  onUnauthorized: (reason?: 'removed') => void;
}

export class LiveDoc {
  readonly doc = new Y.Doc();
  status = $state<ConnectionStatus>('syncing');
  /** Local changes made since the server last acknowledged our state (while disconnected). */
  pending = $state(0);
  /** The cards (top-level map keys) changed here that the server has not seen yet; `pending` is its reactive size. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pendingEntries = new Set<string>();
  /** The document does not exist on the server (4404). */
  missing = $state(false);
  /** The local cache has been read: what we show is at least what we had last time. */
  loaded = $state(false);

  readonly #provider: WebsocketProvider;
  readonly #persistence: IndexeddbPersistence;
  readonly #subscribeDoc: () => void;
  readonly #subscribeAwareness: () => void;
  readonly #cleanup: (() => void)[] = [];
  /** The page's one reconnection policy (backoff.ts), as the realtime session follows it too. */
  readonly #reconnector = createReconnector();
  #everConnected = false;
  #destroyed = false;
  /** A ticket was refused once since the last sync: a second refusal means the secret is. */
  #ticketRefused = false;
  #version = 0;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a memo keyed by version, not state
  #cache = new Map<string, { version: number; value: unknown }>();
  readonly #fields = createFieldBindings({
    entries: () => recommendationsMap(this.doc),
    onFocus: (recId, field) => this.setEditing({ recId, field }),
    onBlur: () => this.setEditing(null),
  });

  constructor(readonly options: LiveDocOptions) {
    const { workshopId, docName } = options;
    // Without IndexedDB (some private modes) the board still works, from the server only.
    this.#persistence = new IndexeddbPersistence(`atelier:${workshopId}:${docName}`, this.doc);
    this.#persistence.whenSynced.then(
      () => (this.loaded = true),
      () => undefined,
    );

    const url = `${location.origin.replace(/^http/, 'ws')}/yjs/${workshopId}`;
    // The URL carries a short-lived ticket, never the token (see tickets.ts): the provider waits
    // for one before each connection, which #connect fetches.
    this.#provider = new WebsocketProvider(url, docName, this.doc, {
      params: {},
      connect: false,
      maxBackoffTime: this.#reconnector.ceiling,
    });
    const provider = this.#provider;
    // A reader (console, screen, another group's tab) announces nothing: a null state is neither
    // shown to others nor renewed every 15 s, where the default {} would be both.
    provider.awareness.setLocalState(options.user ? { user: options.user, editing: null } : null);

    this.doc.on(
      'update',
      (_update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
        this.#version++;
        // A change of ours that the server has not seen yet: while not synced, it waits. Counted
        // per card (entry of the top-level map), not per keystroke: "3 cards waiting" is what a
        // participant can act on; 140 changes for one sentence is not.
        if (tr.local && origin !== provider && origin !== this.#persistence && !provider.synced) {
          for (const key of changedEntries(tr)) this.#pendingEntries.add(key);
          this.pending = this.#pendingEntries.size;
        }
      },
    );
    provider.on('sync', (synced: boolean) => {
      if (synced) {
        this.loaded = true;
        this.#reconnector.succeeded();
        this.#everConnected = true;
        this.#ticketRefused = false;
        this.#pendingEntries.clear();
        this.pending = 0;
      }
      this.#updateStatus();
    });
    provider.on('status', () => this.#updateStatus());
    provider.on('connection-close', (event) => {
      const failure = classifyClose(event);
      switch (failure.kind) {
        case 'refused':
          // Removed by the facilitator (the server says so in the close reason): no ticket helps.
          if (failure.removed) return options.onUnauthorized('removed');
          // A refused ticket may just be stale (a laptop asleep): one new ticket before giving up.
          if (!this.#ticketRefused) {
            this.#ticketRefused = true;
            forgetTicket(workshopId, options.token);
            this.#scheduleReconnect();
          } else options.onUnauthorized();
          return; // y-websocket stops on 4xxx by itself, as for the cases below.
        case 'later':
          // Too many refused keys from this address (a room behind one NAT): try again later.
          this.#scheduleReconnect({ atCeiling: true });
          return;
        case 'missing':
          this.missing = true;
          return;
        case 'closed':
          return;
        case 'network':
          // y-websocket's own backoff has no jitter: take over the schedule. Setting
          // shouldConnect turns its pending retry into a no-op; ours calls connect() after a
          // randomised wait.
          provider.shouldConnect = false;
          this.#scheduleReconnect();
      }
    });

    // The system knows before the socket does when the network goes away.
    this.#cleanup.push(
      watchNetwork(pageNetwork(), {
        offline: () => {
          this.#reconnector.cancel();
          provider.disconnect();
          this.#updateStatus();
        },
        online: () => {
          this.#reconnector.succeeded();
          this.#scheduleReconnect();
        },
      }),
    );

    this.#subscribeDoc = createSubscriber((update) => {
      this.doc.on('update', update);
      return () => this.doc.off('update', update);
    });
    this.#subscribeAwareness = createSubscriber((update) => {
      provider.awareness.on('change', update);
      return () => provider.awareness.off('change', update);
    });
    void this.#connect();
  }

  #scheduleReconnect(options?: { atCeiling?: boolean }): void {
    if (this.#destroyed || this.missing) return;
    this.#reconnector.schedule(() => {
      // No check of navigator.onLine: it can be wrong; an attempt that fails costs little.
      if (!this.#destroyed) void this.#connect();
    }, options);
    this.#updateStatus();
  }

  /** Fetches a ticket, then opens the connection with it in the URL. */
  async #connect(): Promise<void> {
    let ticket: string;
    try {
      ticket = await connectionTicket(this.options.workshopId, this.options.token);
    } catch (error) {
      if (this.#destroyed) return;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403))
        this.options.onUnauthorized();
      else this.#scheduleReconnect(); // offline, rate limited, a server error: later
      return;
    }
    if (this.#destroyed || this.#provider.wsconnected || this.#provider.wsconnecting) return;
    this.#provider.params = { ticket };
    this.#provider.connect();
    this.#updateStatus();
  }

  #updateStatus(): void {
    const p = this.#provider;
    // navigator.onLine false is reliable (true is not): a laptop that reloaded without network
    // says "offline" rather than "syncing" while its attempts fail.
    if (!p.wsconnected && !navigator.onLine) this.status = 'offline';
    else if (p.wsconnected && p.synced) this.status = 'connected';
    else if ((p.wsconnected || p.wsconnecting) && (!this.#everConnected || p.wsconnected))
      this.status = 'syncing';
    else this.status = 'offline';
  }

  /** Reads through a cache that a document change invalidates. */
  #read<T>(key: string, read: () => T): T {
    this.#subscribeDoc();
    const hit = this.#cache.get(key);
    if (hit && hit.version === this.#version) return hit.value as T;
    const value = read();
    this.#cache.set(key, { version: this.#version, value });
    return value;
  }

  get recommendations(): Recommendation[] {
    return this.#read('recommendations', () => readRecommendations(this.doc));
  }

  get items(): PlenaryItem[] {
    return this.#read('items', () => readItems(this.doc));
  }

  /** Everyone else on this document right now (several tabs of one person count once per tab). */
  get peers(): Peer[] {
    this.#subscribeAwareness();
    const awareness = this.#provider.awareness;
    const peers: Peer[] = [];
    awareness.getStates().forEach((state, clientId) => {
      if (clientId === awareness.clientID) return;
      const user = (state as { user?: PresenceUser }).user;
      if (!user || typeof user.participantId !== 'string' || typeof user.name !== 'string') return;
      const editing = (state as { editing?: Peer['editing'] }).editing ?? null;
      peers.push({
        clientId,
        user,
        editing: editing && typeof editing.recId === 'string' ? editing : null,
      });
    });
    return peers;
  }

  setEditing(editing: Peer['editing']): void {
    if (this.options.user) this.#provider.awareness.setLocalStateField('editing', editing);
  }

  add(authorId: string): string {
    // generateId, not crypto.randomUUID: the venue may serve plain http on a LAN address.
    const id = generateId();
    addRecommendation(this.doc, { id, title: '', body: '', authorId, createdAt: Date.now() });
    return id;
  }

  /** Withdraws a recommendation; returns what it takes to put it back, or null. */
  withdraw(id: string): Recommendation | null {
    const rec = readRecommendation(id, recommendationsMap(this.doc).get(id));
    if (!rec) return null;
    removeRecommendation(this.doc, id);
    return rec;
  }

  /** Puts a withdrawn recommendation back, with the same id (its votes follow it). */
  restore(rec: Recommendation): void {
    if (recommendationsMap(this.doc).has(rec.id)) return;
    addRecommendation(this.doc, rec);
  }

  /** An attachment that binds a field of a recommendation to the shared text (one per field, kept). */
  bind(recId: string, field: Field): FieldAttachment {
    return this.#fields.bind(recId, field);
  }

  destroy(): void {
    this.#destroyed = true;
    this.#reconnector.cancel();
    for (const undo of this.#cleanup) undo();
    this.#provider.awareness.setLocalState(null);
    this.#provider.destroy();
    void this.#persistence.destroy();
    this.doc.destroy();
  }
}

export function createLiveDoc(options: LiveDocOptions): LiveDoc {
  return new LiveDoc(options);
}

/** Any Yjs shared type, as a transaction lists them. */
type SharedType = Y.Transaction['changed'] extends Map<infer T, unknown> ? T : never;

/**
 * The top-level entries (cards, items) a transaction changed: the keys it set or deleted in a
 * top-level map, and for a change deeper down (a title's text) the entry it sits in.
 */
function changedEntries(tr: Y.Transaction): string[] {
  const out: string[] = [];
  for (const [type, keys] of tr.changed) {
    if (type._item === null) {
      for (const key of keys) if (key !== null) out.push(key);
      continue;
    }
    let entry: SharedType = type;
    while (entry._item && (entry._item.parent as SharedType)._item !== null) {
      entry = entry._item.parent as SharedType;
    }
    const key = entry._item?.parentSub;
    if (key) out.push(key);
  }
  return out;
}
