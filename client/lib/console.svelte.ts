// The realtime session of the facilitator's console and of the projection screen, as runes:
// the workshop state, who the key belongs to, the tallies (always, for a facilitator; once
// revealed, for a screen), how many have voted, and the facilitator's commands, each settled by
// the server's ack. A thin bridge over the one realtime client (realtime.ts), like the
// participant's session.svelte.ts; this one never votes.
import { syncServerTime } from './clock.svelte.js';
import { applyPresenceDelta } from '../../shared/presence.js';
import type { Phase } from '../../shared/phases.js';
import type {
  CommandData,
  ScreenState,
  VotesProgress,
  WorkshopState,
} from '../../shared/protocol.js';
import { createRealtimeClient, type CommandResult, type RealtimeClient } from './realtime.js';

// Where the console's views have always imported them from.
export type { CommandError, CommandResult } from './realtime.js';

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
  setPhase(phase: Phase): Promise<CommandResult<CommandData<'phase:set'>>>;
  startTimer(
    seconds: number,
    freezeAtZero: boolean,
  ): Promise<CommandResult<CommandData<'timer:start'>>>;
  addTime(seconds: number): Promise<CommandResult<CommandData<'timer:add'>>>;
  stopTimer(): Promise<CommandResult<CommandData<'timer:stop'>>>;
  reveal(revealed: boolean): Promise<CommandResult<CommandData<'votes:reveal'>>>;
  moveParticipant(
    participantId: string,
    groupId: string,
  ): Promise<CommandResult<CommandData<'participant:move'>>>;
  settings(settings: {
    groupChoiceLocked?: boolean;
    joiningLocked?: boolean;
  }): Promise<CommandResult<CommandData<'workshop:settings'>>>;
  /** What the projection shows in the board phases: the ranked board or the matrix. */
  screenView(view: ScreenState['view']): Promise<CommandResult<CommandData<'screen:view'>>>;
  /** One item shown large on the projection, or none. */
  spotlight(itemId: string | null): Promise<CommandResult<CommandData<'screen:spotlight'>>>;
  destroy(): void;
}

class SocketControlSession implements ControlSession {
  connected = $state(false);
  refused = $state<'unauthorized' | 'participant' | null>(null);
  role = $state<Role | null>(null);
  workshopId = $state<string | null>(null);
  state = $state<WorkshopState | null>(null);
  tallies = $state<Record<string, number>>({});
  progress = $state<VotesProgress | null>(null);
  readonly #client: RealtimeClient;

  constructor(token: string) {
    const client = createRealtimeClient({
      token,
      onRefused: () => (this.refused = 'unauthorized'),
      onConnectedChange: (connected) => (this.connected = connected),
    });
    this.#client = client;
    client.on('workshop:whoami', (whoami) => {
      if (whoami.role === 'participant') {
        this.refused = 'participant';
        client.destroy();
        return;
      }
      this.role = whoami.role;
      this.workshopId = whoami.workshopId;
    });
    client.on('workshop:state', (state) => {
      syncServerTime(state.serverNow);
      this.state = state;
    });
    // A delta before the first state has nothing to merge into; that state, sent later, holds it.
    client.on('presence:delta', (delta) => {
      if (this.state) this.state = applyPresenceDelta(this.state, delta);
    });
    client.on('votes:tally', ({ tallies }) => (this.tallies = tallies));
    client.on('votes:progress', (progress) => (this.progress = progress));
  }

  setPhase(phase: Phase) {
    return this.#client.command('phase:set', { phase });
  }
  startTimer(seconds: number, freezeAtZero: boolean) {
    return this.#client.command('timer:start', {
      seconds,
      ...(freezeAtZero ? { freezeAtZero: true } : {}),
    });
  }
  addTime(seconds: number) {
    return this.#client.command('timer:add', { seconds });
  }
  stopTimer() {
    return this.#client.command('timer:stop', {});
  }
  reveal(revealed: boolean) {
    return this.#client.command('votes:reveal', { revealed });
  }
  moveParticipant(participantId: string, groupId: string) {
    return this.#client.command('participant:move', { participantId, groupId });
  }
  settings(settings: { groupChoiceLocked?: boolean; joiningLocked?: boolean }) {
    return this.#client.command('workshop:settings', settings);
  }
  screenView(view: ScreenState['view']) {
    return this.#client.command('screen:view', { view });
  }
  spotlight(itemId: string | null) {
    return this.#client.command('screen:spotlight', { itemId });
  }

  destroy(): void {
    this.#client.destroy();
  }
}

export function createControlSession(options: { token: string }): ControlSession {
  return new SocketControlSession(options.token);
}
