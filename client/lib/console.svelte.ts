// The Socket.IO session of the facilitator's console and of the projection screen, as runes:
// the workshop state, who the key belongs to, the tallies (always, for a facilitator; once
// revealed, for a screen), how many have voted, and the facilitator's commands, each settled by
// the server's ack. The participant's own bridge is session.svelte.ts; this one never votes.
import { syncServerTime } from './clock.svelte.js';
import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '../../shared/errors.js';
import { applyPresenceDelta } from '../../shared/presence.js';
import type { Phase } from '../../shared/phases.js';
import type {
  Ack,
  ClientToServerEvents,
  ServerToClientEvents,
  ScreenState,
  VotesProgress,
  Whoami,
  WorkshopState,
} from '../../shared/protocol.js';

/** A command that got no answer in this time is reported as unanswered (it may still land). */
const COMMAND_TIMEOUT_MS = 8000;
/** After a refusal by the server's middleware, socket.io stops retrying: we retry after this, plus jitter. */
const RETRY_BASE_MS = 2000;
const RETRY_SPREAD_MS = 3000;

export type CommandError = ErrorCode | 'timeout' | 'offline';
export type CommandResult<T> =
  { ok: true; data: T } | { ok: false; code: CommandError; message: string };

export type Role = 'facilitator' | 'viewer';

export interface ControlSession {
  readonly connected: boolean;
  /** The key was refused, or belongs to a participant: this page cannot work with it. */
  readonly refused: 'unauthorized' | 'participant' | null;
  readonly role: Role | null;
  readonly workshopId: string | null;
  readonly state: WorkshopState | null;
  /** Totals per target: always for a facilitator, only while revealed for a screen. */
  readonly tallies: Record<string, number>;
  /** How many have voted in the current voting phase (facilitators only, counts, never who). */
  readonly progress: VotesProgress | null;
  setPhase(phase: Phase): Promise<CommandResult<{ phase: Phase }>>;
  startTimer(seconds: number, freezeAtZero: boolean): Promise<CommandResult<{ endsAt: number }>>;
  addTime(seconds: number): Promise<CommandResult<{ endsAt: number }>>;
  stopTimer(): Promise<CommandResult<{ endsAt: null }>>;
  reveal(revealed: boolean): Promise<CommandResult<{ revealed: boolean }>>;
  moveParticipant(
    participantId: string,
    groupId: string,
  ): Promise<CommandResult<{ groupId: string }>>;
  settings(settings: {
    groupChoiceLocked?: boolean;
    joiningLocked?: boolean;
  }): Promise<CommandResult<{ groupChoiceLocked: boolean; joiningLocked: boolean }>>;
  /** What the projection shows in the board phases: the ranked board or the matrix. */
  screenView(view: ScreenState['view']): Promise<CommandResult<ScreenState>>;
  /** One item shown large on the projection, or none. */
  spotlight(itemId: string | null): Promise<CommandResult<ScreenState>>;
  destroy(): void;
}

type Command = Exclude<keyof ClientToServerEvents, 'vote:cast'>;
type PayloadOf<E extends Command> = Parameters<ClientToServerEvents[E]>[0];
type DataOf<E extends Command> = Extract<
  Parameters<Parameters<ClientToServerEvents[E]>[1]>[0],
  { ok: true }
>['data'];

class SocketControlSession implements ControlSession {
  connected = $state(false);
  refused = $state<'unauthorized' | 'participant' | null>(null);
  role = $state<Role | null>(null);
  workshopId = $state<string | null>(null);
  state = $state<WorkshopState | null>(null);
  tallies = $state<Record<string, number>>({});
  progress = $state<VotesProgress | null>(null);
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #cleanup: (() => void)[] = [];
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(token: string) {
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
      if (error.data?.code === 'unauthorized' || error.data?.code === 'forbidden') {
        this.refused = 'unauthorized';
        return;
      }
      if (!socket.active) {
        clearTimeout(this.#retry);
        this.#retry = setTimeout(
          () => socket.connect(),
          RETRY_BASE_MS + Math.random() * RETRY_SPREAD_MS,
        );
      }
    });
    socket.on('workshop:whoami', (whoami: Whoami) => {
      if (whoami.role === 'participant') {
        this.refused = 'participant';
        socket.disconnect();
        return;
      }
      this.role = whoami.role;
      this.workshopId = whoami.workshopId;
    });
    socket.on('workshop:state', (state) => {
      syncServerTime(state.serverNow);
      this.state = state;
    });
    // A delta before the first state has nothing to merge into; that state, sent later, holds it.
    socket.on('presence:delta', (delta) => {
      if (this.state) this.state = applyPresenceDelta(this.state, delta);
    });
    socket.on('votes:tally', ({ tallies }) => (this.tallies = tallies));
    socket.on('votes:progress', (progress) => (this.progress = progress));

    const offline = () => {
      socket.disconnect();
      this.connected = false;
    };
    const online = () => {
      if (!socket.connected && this.refused === null) socket.connect();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    this.#cleanup.push(() => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
    });
  }

  #command<E extends Command>(event: E, payload: PayloadOf<E>): Promise<CommandResult<DataOf<E>>> {
    if (!this.#socket.connected)
      return Promise.resolve({ ok: false, code: 'offline', message: 'offline' });
    return new Promise((resolve) => {
      // The event maps type each command's ack; the generic emit cannot see through E here.
      const socket = this.#socket.timeout(COMMAND_TIMEOUT_MS) as unknown as {
        emit(
          e: string,
          p: unknown,
          ack: (error: Error | null, answer?: Ack<DataOf<E>>) => void,
        ): void;
      };
      socket.emit(event, payload, (error, answer) => {
        if (error || !answer) resolve({ ok: false, code: 'timeout', message: 'timeout' });
        else if (answer.ok) resolve({ ok: true, data: answer.data });
        else resolve({ ok: false, code: answer.error.code, message: answer.error.message });
      });
    });
  }

  setPhase(phase: Phase) {
    return this.#command('phase:set', { phase });
  }
  startTimer(seconds: number, freezeAtZero: boolean) {
    return this.#command('timer:start', {
      seconds,
      ...(freezeAtZero ? { freezeAtZero: true } : {}),
    });
  }
  addTime(seconds: number) {
    return this.#command('timer:add', { seconds });
  }
  stopTimer() {
    return this.#command('timer:stop', {});
  }
  reveal(revealed: boolean) {
    return this.#command('votes:reveal', { revealed });
  }
  moveParticipant(participantId: string, groupId: string) {
    return this.#command('participant:move', { participantId, groupId });
  }
  settings(settings: { groupChoiceLocked?: boolean; joiningLocked?: boolean }) {
    return this.#command('workshop:settings', settings);
  }
  screenView(view: ScreenState['view']) {
    return this.#command('screen:view', { view });
  }
  spotlight(itemId: string | null) {
    return this.#command('screen:spotlight', { itemId });
  }

  destroy(): void {
    clearTimeout(this.#retry);
    for (const undo of this.#cleanup) undo();
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
  }
}

export function createControlSession(options: { token: string }): ControlSession {
  return new SocketControlSession(options.token);
}
