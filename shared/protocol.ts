// The Socket.IO protocol, shared by server and client: event maps, payloads and acks.
import type { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { Phase } from './phases.js';
import type {
  GroupInfo,
  participantMovePayload,
  phaseSetPayload,
  ScreenView,
  screenSpotlightPayload,
  screenViewPayload,
  timerAddPayload,
  timerStartPayload,
  voteCastPayload,
  votesRevealPayload,
  workshopSettingsPayload,
} from './schemas.js';

export type Ack<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };
export type AckCallback<T> = (answer: Ack<T>) => void;

export interface ParticipantPresence {
  participantId: string;
  name: string;
  groupId: string;
  online: boolean;
}

export interface WorkshopState {
  phase: Phase;
  timer: { endsAt: number | null; freezeAtZero: boolean };
  /** Extension: the server's clock (epoch ms) when this state was sent, so clients can correct theirs. */
  serverNow: number;
  votesRevealed: boolean;
  groupChoiceLocked: boolean;
  joiningLocked: boolean;
  groups: GroupInfo[];
  participants: ParticipantPresence[];
  /** Extension: what the facilitator shows on the projection (absent from older servers: the board, no spotlight). */
  screen?: ScreenState;
}

/** Extension: the projection's view in the board phases, and the item in the spotlight (an item id or null). */
export interface ScreenState {
  view: ScreenView;
  spotlight: string | null;
}

/**
 * Extension, to sockets that opted in with `auth.presence: "delta"`: the current full entry of each
 * participant whose presence, name or group changed (an upsert by participantId; see
 * shared/presence.ts). Everything else still arrives as a full workshop:state.
 */
export interface PresenceDelta {
  participants: ParticipantPresence[];
}

export interface VotesMine {
  remaining: number;
  votes: Record<string, number>;
}

export interface VotesTally {
  tallies: Record<string, number>;
}

/** Who the connection belongs to, sent once after the handshake. */
export type Whoami =
  | { role: 'facilitator'; workshopId: string }
  | { role: 'viewer'; workshopId: string }
  | {
      role: 'participant';
      workshopId: string;
      participantId: string;
      name: string;
      groupId: string;
    };

/** Extension, to facilitators: how many have voted in the current voting phase (never who voted what). */
export interface VotesProgress {
  phase: 'vote' | 'prioritise';
  /** groupId → number of participants of that group who hold at least one dot ("have started"). */
  byGroup: Record<string, number>;
  total: number;
  /** groupId → number of participants of that group who placed their whole budget ("are done"). */
  doneByGroup: Record<string, number>;
  done: number;
}

/**
 * Extension (1.1), to the owner of dots on a card that was deleted: those dots are theirs again
 * (a `votes:mine` with the new `remaining` comes with it). `title` is the card's title as it was.
 */
export interface VotesReturned {
  targetId: string;
  count: number;
  title?: string;
}

/** Extension (1.1), just before the server closes the socket of a participant the facilitator removed. */
export interface SessionRemoved {
  /** `removed`: the facilitator removed this participant; `deleted`: the workshop was deleted. */
  reason: 'removed' | 'deleted';
}

export interface ServerToClientEvents {
  'votes:progress': (progress: VotesProgress) => void;
  'workshop:state': (state: WorkshopState) => void;
  'presence:delta': (delta: PresenceDelta) => void;
  'workshop:whoami': (whoami: Whoami) => void;
  'votes:mine': (mine: VotesMine) => void;
  'votes:tally': (tally: VotesTally) => void;
  'votes:returned': (returned: VotesReturned) => void;
  'session:removed': (removed: SessionRemoved) => void;
}

export interface ClientToServerEvents {
  'vote:cast': (
    payload: z.input<typeof voteCastPayload>,
    ack: AckCallback<{ remaining: number }>,
  ) => void;
  'phase:set': (
    payload: z.input<typeof phaseSetPayload>,
    ack: AckCallback<{ phase: Phase }>,
  ) => void;
  'timer:start': (
    payload: z.input<typeof timerStartPayload>,
    ack: AckCallback<{ endsAt: number }>,
  ) => void;
  'timer:add': (
    payload: z.input<typeof timerAddPayload>,
    ack: AckCallback<{ endsAt: number }>,
  ) => void;
  'timer:stop': (payload: Record<string, never>, ack: AckCallback<{ endsAt: null }>) => void;
  'votes:reveal': (
    payload: z.input<typeof votesRevealPayload>,
    ack: AckCallback<{ revealed: boolean }>,
  ) => void;
  'participant:move': (
    payload: z.input<typeof participantMovePayload>,
    ack: AckCallback<{ groupId: string }>,
  ) => void;
  'workshop:settings': (
    payload: z.input<typeof workshopSettingsPayload>,
    ack: AckCallback<{ groupChoiceLocked: boolean; joiningLocked: boolean }>,
  ) => void;
  'screen:view': (
    payload: z.input<typeof screenViewPayload>,
    ack: AckCallback<ScreenState>,
  ) => void;
  'screen:spotlight': (
    payload: z.input<typeof screenSpotlightPayload>,
    ack: AckCallback<ScreenState>,
  ) => void;
}
