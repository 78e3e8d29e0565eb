// What the server sends without being asked: workshop:state (folded per workshop), presence:delta
// to sockets that opted in, votes:mine, votes:tally and votes:progress (throttled), and the
// notices of returned dots and removals. Each reaction to a service's event is one method here.
import type { VotesMine, WorkshopState } from '../../shared/protocol.js';
import type { ParticipantPresence } from '../../shared/protocol.js';
import type { RoomMessage } from '../../shared/facilitation.js';
import type { FacilitationService } from '../services/facilitation.js';
import type { VoteReturn, VoteService } from '../services/votes.js';
import {
  activeGroups,
  groupInfo,
  roundsInfo,
  type Principal,
  type WorkshopService,
} from '../services/workshops.js';
import type { ApprovedCard, ModerationFlag } from '../../shared/moderation.js';
import { channel } from './channels.js';
import { entryFor, type ReaderClass } from './names.js';
import type { Presence } from './presence.js';
import { createThrottle } from './throttle.js';
import type { AtelierServer, AtelierSocket } from './types.js';

const READER_CLASSES: readonly ReaderClass[] = ['room', 'facilitator'];

/** Tallies are sent at most this often per workshop during a burst of votes (leading + trailing). */
const TALLY_THROTTLE_MS = 100;
/** Bounds of the window in which workshop:state broadcasts fold together. */
const STATE_THROTTLE_MIN_MS = 50;
const STATE_THROTTLE_MAX_MS = 1000;
/** Per participant, the fold window grows by this much: a full state costs N recipients × N entries. */
const STATE_THROTTLE_MS_PER_PARTICIPANT = 2;

export interface Broadcasts {
  /** The workshop record changed (phase, timer, reveal, locks, screen): everyone gets a full state. */
  recordChanged(workshopId: string): void;
  /** These participants' entries changed (online, joined, moved). */
  peopleChanged(workshopId: string, participantIds: Iterable<string>): void;
  /** Votes changed: tallies and progress go out with the next throttled send. */
  talliesChanged(workshopId: string): void;
  /** Tallies and progress now, not throttled (the facilitator just revealed them). */
  sendTallies(workshopId: string): Promise<void>;
  /** A participant's dots after their cast: to each of their sockets, then the tallies. */
  voteCast(workshopId: string, participantId: string, mine: VotesMine): void;
  /** Votes were replaced wholesale (a restore): everyone's dots and the tallies are re-sent. */
  votesReplaced(workshopId: string): Promise<void>;
  /** Remaining dots are per voting phase: every online participant's count may have changed. */
  phaseChanged(workshopId: string): Promise<void>;
  /** Cards that held dots are gone: each owner gets their new count, then the notice of why. */
  dotsReturned(workshopId: string, returns: VoteReturn[]): Promise<void>;
  /** The workshop is deleted: everyone is told, then let go. */
  workshopDeleted(workshopId: string): void;
  /** The facilitator removed this participant: said, then closed; new tallies without their dots. */
  participantRemoved(workshopId: string, participantId: string): void;
  /** The profanity flags changed (issue 16): the whole list, to the facilitators only. */
  moderationFlags(workshopId: string, flags: ModerationFlag[]): void;
  /** The cards approved for the projection changed (issue 16): to the screens and facilitators. */
  screenCards(workshopId: string, cards: ApprovedCard[]): void;
  /**
   * A message of the facilitator (issue 16): to every socket of the workshop, or to the group's
   * participants and the facilitators only (never the projection).
   */
  roomMessage(workshopId: string, message: RoomMessage): void;
  /** The facilitator took back the last message of an audience (null: the whole room). */
  roomMessageCleared(workshopId: string, groupId: string | null): void;
  /** What a socket gets as soon as it connects: the state, its dots, the tallies it may see. */
  welcome(socket: AtelierSocket, principal: Principal): Promise<void>;
  close(): void;
}

export function createBroadcasts(deps: {
  io: AtelierServer;
  workshops: WorkshopService;
  votes: VoteService;
  presence: Presence;
  facilitation: FacilitationService;
  now: () => number;
  logError: (error: unknown) => void;
}): Broadcasts {
  const { io, workshops, votes, presence, facilitation, now, logError } = deps;

  /** The state as one reader class reads it: names per the workshop's anonymity (names.ts). */
  async function stateOf(workshopId: string, reader: ReaderClass): Promise<WorkshopState> {
    const live = await workshops.live(workshopId);
    const r = live.record;
    return {
      phase: r.phase,
      timer: { endsAt: r.timerEndsAt, freezeAtZero: r.timerFreeze },
      serverNow: now(),
      votesRevealed: r.votesRevealed,
      groupChoiceLocked: r.groupChoiceLocked,
      joiningLocked: r.joiningLocked,
      groups: activeGroups(live).map(groupInfo),
      ...roundsInfo(live),
      participants: [...live.participants.values()].map((p) =>
        entryFor(live, p, presence.entryOf(p), reader),
      ),
      anonymity: r.anonymity ?? 'named',
      moderation: r.moderation ?? 'open',
      screen: live.screen ?? { view: 'board', spotlight: null },
      ...facilitation.stateOf(live, presence.isOnline),
    };
  }

  /** A group's participants (their sockets, at this moment) and the facilitators. */
  function audienceOf(workshopId: string, groupId: string): string[] {
    const members = [...(workshops.peek(workshopId)?.participants.values() ?? [])]
      .filter((p) => p.groupId === groupId)
      .map((p) => channel.participant(p.id));
    return [channel.facilitators(workshopId), ...members];
  }

  function roomSize(name: string): number {
    return io.of('/').adapter.rooms.get(name)?.size ?? 0;
  }

  /**
   * What changed in each workshop since its last broadcast: the record (everyone needs a full
   * state) and the participants whose entry changed (came online, went offline, joined, moved).
   */
  const dirty = new Map<string, { record: boolean; people: Set<string> }>();
  function dirtyOf(workshopId: string) {
    let entry = dirty.get(workshopId);
    if (!entry) {
      entry = { record: false, people: new Set() };
      dirty.set(workshopId, entry);
    }
    return entry;
  }

  /**
   * One folded broadcast of everything marked dirty. A record change sends the full state to every
   * socket (it carries the people too). People changes alone send the full state to stock sockets
   * only, and to sockets that opted in one presence:delta with the current entries of those people:
   * at 1000 participants a full state is ~107 KB, an entry ~100 bytes.
   */
  async function broadcast(workshopId: string): Promise<void> {
    const changes = dirty.get(workshopId);
    if (!changes) return;
    dirty.delete(workshopId);
    if (changes.record) {
      // One state per reader class (names.ts): the facilitators', and the room's for the rest.
      const [room, facilitators] = await Promise.all([
        stateOf(workshopId, 'room'),
        stateOf(workshopId, 'facilitator'),
      ]);
      io.to(channel.workshop(workshopId))
        .except(channel.facilitators(workshopId))
        .emit('workshop:state', room);
      io.to(channel.facilitators(workshopId)).emit('workshop:state', facilitators);
      return;
    }
    if (changes.people.size === 0) return;
    for (const reader of READER_CLASSES) {
      if (roomSize(channel.statePresence(workshopId, reader)) > 0) {
        io.to(channel.statePresence(workshopId, reader)).emit(
          'workshop:state',
          await stateOf(workshopId, reader),
        );
      }
      if (roomSize(channel.deltaPresence(workshopId, reader)) > 0) {
        // Built and sent in one synchronous step: no state computed later can reach a socket first.
        const live = await workshops.live(workshopId);
        const participants: ParticipantPresence[] = [];
        for (const id of changes.people) {
          const p = live.participants.get(id);
          if (p) participants.push(entryFor(live, p, presence.entryOf(p), reader));
        }
        if (participants.length > 0) {
          io.to(channel.deltaPresence(workshopId, reader)).emit('presence:delta', { participants });
        }
      }
    }
  }

  /**
   * Broadcasts fold together within a window that grows with the room (2 ms per participant,
   * 50 ms to 1 s): a full state lists everyone, so its cost is N recipients × N entries.
   */
  const stateBroadcasts = createThrottle(
    broadcast,
    (workshopId) =>
      Math.min(
        STATE_THROTTLE_MAX_MS,
        Math.max(
          STATE_THROTTLE_MIN_MS,
          STATE_THROTTLE_MS_PER_PARTICIPANT * (workshops.peek(workshopId)?.participants.size ?? 0),
        ),
      ),
    logError,
  );

  async function sendTallies(workshopId: string): Promise<void> {
    const tallies = await votes.tallies(workshopId);
    const live = await workshops.live(workshopId);
    const target = live.record.votesRevealed
      ? channel.workshop(workshopId)
      : channel.facilitators(workshopId);
    io.to(target).emit('votes:tally', { tallies });
    io.to(channel.progress(workshopId)).emit('votes:progress', await votes.progress(workshopId));
  }
  const tallyBroadcasts = createThrottle(sendTallies, () => TALLY_THROTTLE_MS, logError);
  const talliesChanged = (workshopId: string) => tallyBroadcasts.schedule(workshopId);

  async function sendMine(workshopId: string, participantId: string): Promise<void> {
    const mine = await votes.mine(workshopId, participantId);
    io.to(channel.participant(participantId)).emit('votes:mine', mine);
  }

  async function sendMineToEveryoneOnline(workshopId: string): Promise<void> {
    const live = await workshops.live(workshopId);
    for (const p of live.participants.values()) {
      if (presence.isOnline(p.id)) await sendMine(workshopId, p.id);
    }
  }

  return {
    recordChanged(workshopId) {
      dirtyOf(workshopId).record = true;
      stateBroadcasts.schedule(workshopId);
    },
    peopleChanged(workshopId, participantIds) {
      const changes = dirtyOf(workshopId);
      for (const id of participantIds) changes.people.add(id);
      // "J'ai fini" counts only who is online in their group: the counts travel in the full state.
      if (facilitation.anyReady(workshopId)) changes.record = true;
      stateBroadcasts.schedule(workshopId);
    },
    talliesChanged,
    sendTallies,
    voteCast(workshopId, participantId, mine) {
      io.to(channel.participant(participantId)).emit('votes:mine', mine);
      talliesChanged(workshopId);
    },
    async votesReplaced(workshopId) {
      await sendTallies(workshopId);
      await sendMineToEveryoneOnline(workshopId);
    },
    phaseChanged: sendMineToEveryoneOnline,
    async dotsReturned(workshopId, returns) {
      for (const participantId of new Set(returns.map((r) => r.participantId))) {
        await sendMine(workshopId, participantId);
      }
      for (const r of returns) {
        io.to(channel.participant(r.participantId)).emit('votes:returned', {
          targetId: r.targetId,
          count: r.count,
          ...(r.title ? { title: r.title } : {}),
        });
      }
      talliesChanged(workshopId);
    },
    workshopDeleted(workshopId) {
      // Their tokens and keys are refused from now on.
      io.to(channel.workshop(workshopId)).emit('session:removed', { reason: 'deleted' });
      io.in(channel.workshop(workshopId)).disconnectSockets(true);
    },
    participantRemoved(workshopId, participantId) {
      // A server-side disconnect: the client does not come back on its own; if it tries, its
      // token is refused at the handshake.
      presence.forget(participantId);
      io.to(channel.participant(participantId)).emit('session:removed', { reason: 'removed' });
      io.in(channel.participant(participantId)).disconnectSockets();
      talliesChanged(workshopId);
    },
    roomMessage(workshopId, message) {
      if (message.groupId === null) {
        io.to(channel.workshop(workshopId)).emit('room:message', message);
        return;
      }
      io.to(audienceOf(workshopId, message.groupId)).emit('room:message', message);
    },
    roomMessageCleared(workshopId, groupId) {
      const to = groupId === null ? channel.workshop(workshopId) : audienceOf(workshopId, groupId);
      io.to(to).emit('room:messageCleared', { groupId });
    },
    moderationFlags(workshopId, flags) {
      io.to(channel.facilitators(workshopId)).emit('moderation:flags', { flags });
    },
    screenCards(workshopId, cards) {
      io.to([channel.screens(workshopId), channel.facilitators(workshopId)]).emit('screen:cards', {
        cards,
      });
    },
    async welcome(socket, principal) {
      const { workshopId } = principal;
      // The newcomer gets the state at once; the others get it with the next folded broadcast.
      socket.emit(
        'workshop:state',
        await stateOf(workshopId, principal.role === 'facilitator' ? 'facilitator' : 'room'),
      );
      if (principal.role === 'participant') {
        socket.emit('votes:mine', await votes.mine(workshopId, principal.participantId));
      }
      const live = await workshops.live(workshopId);
      if (principal.role === 'facilitator' || live.record.votesRevealed) {
        socket.emit('votes:tally', { tallies: await votes.tallies(workshopId) });
      }
      if (principal.role !== 'participant') {
        socket.emit('votes:progress', await votes.progress(workshopId));
      }
      // The messages still in their lifetime: a laptop that reconnects sees what it missed.
      const groupId =
        principal.role === 'participant'
          ? (live.participants.get(principal.participantId)?.groupId ?? null)
          : null;
      const audience = principal.role === 'facilitator' ? 'all' : { groupId };
      for (const message of facilitation.messagesFor(workshopId, audience)) {
        socket.emit('room:message', message);
      }
    },
    close() {
      tallyBroadcasts.close();
      stateBroadcasts.close();
      dirty.clear();
    },
  };
}
