// The Socket.IO session of a participant, as runes: the workshop state (phase, timer, groups,
// who is here), who I am, my dots and, once revealed, the totals. Commands go out with an ack.
// The only importer of socket.io-client on the participant side.
import { syncServerTime } from './clock.svelte.js';
import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '../../shared/errors.js';
import { applyPresenceDelta } from '../../shared/presence.js';
import type {
  Ack,
  ClientToServerEvents,
  ServerToClientEvents,
  SessionRemoved,
  VotesMine,
  VotesReturned,
  Whoami,
  WorkshopState,
} from '../../shared/protocol.js';

/** A vote that got no answer in this time is reported as unanswered (it may still land). */
const COMMAND_TIMEOUT_MS = 8000;

export type SessionError = ErrorCode | 'timeout' | 'offline';
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
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #cleanup: (() => void)[] = [];
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    token: string,
    onUnauthorized: () => void,
    onRemoved: (reason: SessionRemoved['reason']) => void,
  ) {
    // Reconnection is on, with socket.io's jittered backoff (randomizationFactor 0.5) so sixty
    // laptops that lose the venue wifi together do not come back in lockstep.
    // presence: 'delta' (an extension): who comes and goes arrives as small upserts, not the
    // whole participant list each time.
    const socket = io({
      path: '/socket.io',
      auth: { token, presence: 'delta' },
      randomizationFactor: 0.5,
    });
    this.#socket = socket;
    socket.on('connect', () => (this.connected = true));
    socket.on('disconnect', () => (this.connected = false));
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.connected = false;
      if (error.data?.code === 'unauthorized') {
        onUnauthorized();
        return;
      }
      // A refusal from the server's middleware (not a network failure) stops socket.io's own
      // reconnection: try again later, with jitter.
      if (!socket.active) {
        clearTimeout(this.#retry);
        this.#retry = setTimeout(() => socket.connect(), 2000 + Math.random() * 3000);
      }
    });
    socket.on('workshop:state', (state) => {
      syncServerTime(state.serverNow);
      this.state = state;
    });
    // A delta before the first state has nothing to merge into; that state, sent later, holds it.
    socket.on('presence:delta', (delta) => {
      if (this.state) this.state = applyPresenceDelta(this.state, delta);
    });
    socket.on('workshop:whoami', (whoami) => {
      if (whoami.role === 'participant') this.whoami = whoami;
    });
    socket.on('votes:mine', (mine) => (this.mine = mine));
    socket.on('votes:tally', ({ tallies }) => (this.#tallies = tallies));
    // A few at most: a deleted card returns dots once to each owner.
    socket.on(
      'votes:returned',
      (returned) => (this.returned = [...this.returned.slice(-4), returned]),
    );
    // The facilitator removed this participant, or the workshop was deleted; the server closes
    // the socket right after.
    socket.on('session:removed', ({ reason }) => onRemoved(reason));

    // The system knows before the socket does when the network goes away: say so at once,
    // and reconnect as soon as it is back instead of waiting for the next backoff step.
    const offline = () => {
      socket.disconnect();
      this.connected = false;
      // Should the 'online' event never come (it can be wrong), try again anyway; socket.io's
      // own jittered reconnection takes over from there.
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => socket.connect(), 3000 + Math.random() * 3000);
    };
    const online = () => {
      clearTimeout(this.#retry);
      if (!socket.connected) socket.connect();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    this.#cleanup.push(() => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
    });
  }

  get tallies(): Record<string, number> | null {
    return this.state?.votesRevealed ? this.#tallies : null;
  }

  dismissReturned(): void {
    this.returned = [];
  }

  castVote(targetId: string, delta: 1 | -1): Promise<CastResult> {
    if (!this.#socket.connected) return Promise.resolve({ ok: false, code: 'offline' });
    return new Promise((resolve) => {
      this.#socket
        .timeout(COMMAND_TIMEOUT_MS)
        .emit(
          'vote:cast',
          { targetId, delta },
          (error: Error | null, answer?: Ack<{ remaining: number }>) => {
            if (error || !answer) resolve({ ok: false, code: 'timeout' });
            else if (answer.ok) resolve({ ok: true, remaining: answer.data.remaining });
            else resolve({ ok: false, code: answer.error.code });
          },
        );
    });
  }

  destroy(): void {
    clearTimeout(this.#retry);
    for (const undo of this.#cleanup) undo();
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
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
