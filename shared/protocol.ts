// The Socket.IO protocol, shared by server and client: event maps, payloads and acks.
import type { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type {
  FacilitationState,
  FocusTarget,
  HelpCall,
  focusSetPayload,
  helpResolvePayload,
  messageClearPayload,
  messageSendPayload,
  privateSetPayload,
  readySetPayload,
  RevealResult,
  RoomMessage,
} from './facilitation.js';
import type { Anonymity } from './anonymity.js';
import type {
  cardApprovePayload,
  cardHidePayload,
  ModerationFlags,
  ModerationMode,
  participantBlockPayload,
  ScreenCards,
} from './moderation.js';
import type { RoundPlan, roundRequestSchema } from './rounds.js';
import type { Phase } from './phases.js';
import type {
  GroupInfo,
  RoundsInfo,
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
  /** Extension (issue 16), to facilitators only: the facilitator blocked this participant. */
  blocked?: boolean;
}

export interface WorkshopState {
  phase: Phase;
  timer: { endsAt: number | null; freezeAtZero: boolean };
  /** Extension: the server's clock (epoch ms) when this state was sent, so clients can correct theirs. */
  serverNow: number;
  votesRevealed: boolean;
  groupChoiceLocked: boolean;
  joiningLocked: boolean;
  /** The groups people sit in now (the current round's). */
  groups: GroupInfo[];
  participants: ParticipantPresence[];
  /** Extension (rounds, issue 17): the current round and the earlier rounds' groups. */
  round?: RoundsInfo['round'];
  pastGroups?: RoundsInfo['pastGroups'];
  /** Extension: what the facilitator shows on the projection (absent from older servers: the board, no spotlight). */
  screen?: ScreenState;
  /**
   * Extension (1.1, issue 16): who reads names. In `peers` and `everyone` the participants' and
   * the projection's states carry pseudonyms (the facilitator's too in `everyone`).
   */
  anonymity?: Anonymity;
  /** Extension (issue 16): `inbox` when the projection shows only approved cards (`screen:cards`). */
  moderation?: ModerationMode;
  /** Extension (issue 16): "j'ai fini" counts, help calls, focus, private writing (shared/facilitation.ts). */
  ready?: FacilitationState['ready'];
  help?: FacilitationState['help'];
  focus?: FacilitationState['focus'];
  private?: FacilitationState['private'];
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
  /** Extension (issue 16), to facilitators: the cards the profanity check flagged (the whole list). */
  'moderation:flags': (flags: ModerationFlags) => void;
  /** Extension (issue 16), to the projection and facilitators in inbox mode: the approved cards. */
  'screen:cards': (cards: ScreenCards) => void;
  /** Extension (issue 16): a message of the facilitator, to the room or to the reader's group. */
  'room:message': (message: RoomMessage) => void;
  /** Extension (issue 16): the facilitator took back the last message of this audience. */
  'room:messageCleared': (cleared: { groupId: string | null }) => void;
}

/**
 * Every client → server command: its payload (what the client sends, before the server's zod
 * schema parses it) and the data of its `{ok: true}` ack. The server's command table is checked
 * against this map (server/realtime/commands.ts), so a handler cannot answer what the client does
 * not expect; the client's `command()` reads its answer type from here.
 */
export interface Commands {
  'vote:cast': { payload: z.input<typeof voteCastPayload>; data: { remaining: number } };
  'phase:set': { payload: z.input<typeof phaseSetPayload>; data: { phase: Phase } };
  'timer:start': { payload: z.input<typeof timerStartPayload>; data: { endsAt: number } };
  'timer:add': { payload: z.input<typeof timerAddPayload>; data: { endsAt: number } };
  'timer:stop': { payload: Record<string, never>; data: { endsAt: null } };
  'votes:reveal': { payload: z.input<typeof votesRevealPayload>; data: { revealed: boolean } };
  'participant:move': {
    payload: z.input<typeof participantMovePayload>;
    data: { groupId: string };
  };
  'workshop:settings': {
    payload: z.input<typeof workshopSettingsPayload>;
    data: {
      groupChoiceLocked: boolean;
      joiningLocked: boolean;
      anonymity: Anonymity;
      moderation: ModerationMode;
    };
  };
  /** Extension (issue 16), facilitator only: hides a card from everyone else, or brings it back. */
  'card:hide': {
    payload: z.input<typeof cardHidePayload>;
    data: { targetId: string; hidden: boolean };
  };
  /** Extension (issue 16), facilitator only: a card goes to the projection (inbox mode), or leaves it. */
  'card:approve': {
    payload: z.input<typeof cardApprovePayload>;
    data: { targetId: string; approved: boolean };
  };
  /** Extension (issue 16), facilitator only: blocks a participant (their writes and votes change nothing). */
  'participant:block': {
    payload: z.input<typeof participantBlockPayload>;
    data: { participantId: string; blocked: boolean };
  };
  'screen:view': { payload: z.input<typeof screenViewPayload>; data: ScreenState };
  'screen:spotlight': { payload: z.input<typeof screenSpotlightPayload>; data: ScreenState };
  // The facilitator's room controls (issue 16; shared/facilitation.ts).
  'ready:set': { payload: z.input<typeof readySetPayload>; data: { done: boolean } };
  'message:send': { payload: z.input<typeof messageSendPayload>; data: RoomMessage };
  'message:clear': {
    payload: z.input<typeof messageClearPayload>;
    data: { groupId: string | null; cleared: boolean };
  };
  'help:call': { payload: Record<string, never>; data: HelpCall };
  'help:resolve': {
    payload: z.input<typeof helpResolvePayload>;
    data: { groupId: string; resolved: boolean };
  };
  'focus:set': { payload: z.input<typeof focusSetPayload>; data: { focus: FocusTarget | null } };
  'private:set': { payload: z.input<typeof privateSetPayload>; data: { private: boolean } };
  'private:reveal': { payload: Record<string, never>; data: RevealResult };
  /** Extension (rounds, issue 17), facilitator only: the groups the next round would have. */
  'round:preview': { payload: z.input<typeof roundRequestSchema>; data: RoundPlan };
  /** Extension (rounds), facilitator only: re-forms the groups and starts the next round. */
  'round:start': { payload: z.input<typeof roundRequestSchema>; data: RoundPlan };
}

export type CommandName = keyof Commands;
export type CommandPayload<E extends CommandName> = Commands[E]['payload'];
/** The data of a command's `{ok: true}` answer. */
export type CommandData<E extends CommandName> = Commands[E]['data'];

/** The Socket.IO event map of the commands: `(payload, ack)` with the ack data typed. */
export type ClientToServerEvents = {
  [E in CommandName]: (payload: CommandPayload<E>, ack: AckCallback<CommandData<E>>) => void;
};
