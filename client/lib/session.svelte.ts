// The participant's realtime session, as runes: the workshop state (phase, timer, groups, who is
// here), who I am, my dots and, once revealed, the totals; votes go out as commands. A thin
// bridge over the one realtime client (realtime.ts), which owns the connection and its policies.
import { syncServerTime } from './clock.svelte.js';
import { applyPresenceDelta } from '../../shared/presence.js';
import type {
  SessionRemoved,
  VotesMine,
  VotesReturned,
  Whoami,
  WorkshopState,
} from '../../shared/protocol.js';
import { createRealtimeClient, type CommandError, type RealtimeClient } from './realtime.js';

/** How many returned-dots notices are kept at most: a deleted card returns dots once to each owner. */
const RETURNED_KEPT = 5;

export type SessionError = CommandError;
export type CastResult = { ok: true; remaining: number } | { ok: false; code: SessionError };

export interface Session {
  readonly connected: boolean;
  readonly state: WorkshopState | null;
  readonly whoami: Extract<Whoami, { role: 'participant' }> | null;
  readonly mine: VotesMine | null;
  /** Totals per target, only while the facilitator has revealed them. */
  readonly tallies: Record<string, number> | null;
  /** Dots given back because the cards they were on were deleted, newest last, until dismissed. */
  readonly returned: VotesReturned[];
  dismissReturned(): void;
  castVote(targetId: string, delta: 1 | -1): Promise<CastResult>;
  destroy(): void;
}

class SocketSession implements Session {
  connected = $state(false);
  state = $state<WorkshopState | null>(null);
  whoami = $state<Extract<Whoami, { role: 'participant' }> | null>(null);
  mine = $state<VotesMine | null>(null);
  returned = $state<VotesReturned[]>([]);
  #tallies = $state<Record<string, number> | null>(null);
  readonly #client: RealtimeClient;

  constructor(
    token: string,
    onUnauthorized: () => void,
    onRemoved: (reason: SessionRemoved['reason']) => void,
  ) {
    const client = createRealtimeClient({
      token,
      onRefused: onUnauthorized,
      onConnectedChange: (connected) => (this.connected = connected),
    });
    this.#client = client;
    client.on('workshop:state', (state) => {
      syncServerTime(state.serverNow);
      this.state = state;
    });
    // A delta before the first state has nothing to merge into; that state, sent later, holds it.
    client.on('presence:delta', (delta) => {
      if (this.state) this.state = applyPresenceDelta(this.state, delta);
    });
    client.on('workshop:whoami', (whoami) => {
      if (whoami.role === 'participant') this.whoami = whoami;
    });
    client.on('votes:mine', (mine) => (this.mine = mine));
    client.on('votes:tally', ({ tallies }) => (this.#tallies = tallies));
    client.on(
      'votes:returned',
      (returned) => (this.returned = [...this.returned.slice(1 - RETURNED_KEPT), returned]),
    );
    // The facilitator removed this participant, or the workshop was deleted; the server closes
    // the socket right after (and the client does not come back on its own).
    client.on('session:removed', ({ reason }) => onRemoved(reason));
  }

  get tallies(): Record<string, number> | null {
    return this.state?.votesRevealed ? this.#tallies : null;
  }

  dismissReturned(): void {
    this.returned = [];
  }

  async castVote(targetId: string, delta: 1 | -1): Promise<CastResult> {
    const answer = await this.#client.command('vote:cast', { targetId, delta });
    return answer.ok
      ? { ok: true, remaining: answer.data.remaining }
      : { ok: false, code: answer.code };
  }

  destroy(): void {
    this.#client.destroy();
  }
}

export function createSession(options: {
  token: string;
  onUnauthorized: () => void;
  /** The facilitator removed this participant (`removed`), or deleted the workshop (`deleted`). */
  onRemoved: (reason: SessionRemoved['reason']) => void;
}): Session {
  return new SocketSession(options.token, options.onUnauthorized, options.onRemoved);
}
