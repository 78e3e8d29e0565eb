// The one realtime client of every page: the Socket.IO connection (the only io() call of the
// client), its reconnection (backoff.ts, the schedule the Yjs documents use too), which handshake
// refusals are final (refusals.ts), and commands typed by the shared event map, settled by the server's ack.
import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '../../shared/errors.js';
import type {
  Ack,
  ClientToServerEvents,
  CommandData,
  CommandName,
  CommandPayload,
  ServerToClientEvents,
} from '../../shared/protocol.js';
import {
  createReconnector,
  pageNetwork,
  watchNetwork,
  type NetworkEvents,
  type Reconnector,
} from './backoff.js';
import { classifyConnectError, type FinalRefusal } from './refusals.js';

/** A command that got no answer in this time is reported as unanswered (it may still land). */
export const COMMAND_TIMEOUT_MS = 8000;

/**
 * Disconnections the client must not undo: its own (the page closed it, or the network went
 * away and the network watch decides) and the server's (a removed participant, a deleted
 * workshop, a protocol violation: reconnecting would be refused or make it worse).
 */
const DELIBERATE_DISCONNECTS: ReadonlySet<string> = new Set([
  'io client disconnect',
  'io server disconnect',
]);

export type CommandError = ErrorCode | 'timeout' | 'offline';
export type CommandResult<T> =
  { ok: true; data: T } | { ok: false; code: CommandError; message: string };

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RealtimeOptions {
  /** The participant token, facilitator key or screen key (the handshake's `auth.token`). */
  token: string;
  /** The server's origin; absent in the page, which talks to its own. */
  url?: string;
  /** The server refused the secret; the client has stopped for good. */
  onRefused: (code: FinalRefusal) => void;
  onConnectedChange?: (connected: boolean) => void;
  commandTimeoutMs?: number;
  /** Where `online` / `offline` come from: the page's window unless said (null: none). */
  network?: NetworkEvents | null;
  reconnector?: Reconnector;
}

export interface RealtimeClient {
  readonly connected: boolean;
  /** Listens to a server event for the client's whole life (listeners stay across reconnections). */
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): void;
  /** Sends a command; its answer is the ack's data, or why there is none. Never rejects. */
  command<E extends CommandName>(
    event: E,
    payload: CommandPayload<E>,
  ): Promise<CommandResult<CommandData<E>>>;
  /** Closes the connection for good (idempotent). */
  destroy(): void;
}

class SocketRealtimeClient implements RealtimeClient {
  readonly #socket: RealtimeSocket;
  readonly #options: RealtimeOptions;
  readonly #reconnector: Reconnector;
  readonly #unwatch: () => void;
  #stopped = false;

  constructor(options: RealtimeOptions) {
    this.#options = options;
    this.#reconnector = options.reconnector ?? createReconnector();
    // socket.io's own reconnection is off: its schedule is not the one the Yjs documents follow,
    // and it stops on a middleware refusal anyway. backoff.ts decides every retry here.
    // presence: 'delta' (an extension): who comes and goes arrives as small upserts, not the
    // whole participant list each time.
    const settings = {
      path: '/socket.io',
      auth: { token: options.token, presence: 'delta' },
      reconnection: false,
    };
    this.#socket = options.url ? io(options.url, settings) : io(settings);
    const socket = this.#socket;
    socket.on('connect', () => {
      this.#reconnector.succeeded();
      options.onConnectedChange?.(true);
    });
    socket.on('disconnect', (reason) => {
      options.onConnectedChange?.(false);
      if (!DELIBERATE_DISCONNECTS.has(reason)) this.#retry();
    });
    socket.on('connect_error', (error) => {
      options.onConnectedChange?.(false);
      const failure = classifyConnectError(error);
      if (failure.kind === 'refused') {
        this.destroy();
        options.onRefused(failure.code);
      } else this.#retry({ atCeiling: failure.kind === 'later' });
    });
    // The system knows before the socket does when the network goes away: say so at once, and
    // reconnect as soon as it is back instead of waiting for the next step. Should 'online'
    // never come (it can be wrong), a retry at the ceiling tries anyway.
    this.#unwatch = watchNetwork(options.network === undefined ? pageNetwork() : options.network, {
      offline: () => {
        socket.disconnect();
        this.#retry({ atCeiling: true });
      },
      online: () => {
        this.#reconnector.succeeded();
        this.#retry();
      },
    });
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  #retry(options?: { atCeiling?: boolean }): void {
    if (this.#stopped) return;
    this.#reconnector.schedule(() => {
      if (!this.#stopped && !this.#socket.connected) this.#socket.connect();
    }, options);
  }

  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): void {
    // The event map types the listener; the generic `on` cannot see through E here.
    (this.#socket.on as (e: E, l: ServerToClientEvents[E]) => void)(event, listener);
  }

  command<E extends CommandName>(
    event: E,
    payload: CommandPayload<E>,
  ): Promise<CommandResult<CommandData<E>>> {
    if (!this.#socket.connected)
      return Promise.resolve({ ok: false, code: 'offline', message: 'offline' });
    const timeout = this.#options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
    return new Promise((resolve) => {
      // The event map types each command's ack; the generic emit cannot see through E here.
      const timed = this.#socket.timeout(timeout) as unknown as {
        emit(
          e: E,
          p: CommandPayload<E>,
          ack: (error: Error | null, answer?: Ack<CommandData<E>>) => void,
        ): void;
      };
      timed.emit(event, payload, (error, answer) => {
        if (error || !answer) resolve({ ok: false, code: 'timeout', message: 'timeout' });
        else if (answer.ok) resolve({ ok: true, data: answer.data });
        else resolve({ ok: false, code: answer.error.code, message: answer.error.message });
      });
    });
  }

  destroy(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reconnector.cancel();
    this.#unwatch();
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
  }
}

export function createRealtimeClient(options: RealtimeOptions): RealtimeClient {
  return new SocketRealtimeClient(options);
}
