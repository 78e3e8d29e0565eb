// Socket.IO: commands that need authority and an answer (votes, phase, timer, reveal, moves),
// and the broadcast of workshop:state (or, to sockets that opted in, presence:delta), votes:mine
// and votes:tally. Thin handlers: validate the payload with zod, check the role, call a service,
// answer through the ack.
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { z } from 'zod';
import { ErrorCode } from '../../shared/errors.js';
import { LIMITS } from '../../shared/limits.js';
import type {
  Ack,
  ClientToServerEvents,
  ParticipantPresence,
  ServerToClientEvents,
  WorkshopState,
} from '../../shared/protocol.js';
import {
  handshakeOptions,
  participantMovePayload,
  phaseSetPayload,
  screenSpotlightPayload,
  screenViewPayload,
  timerAddPayload,
  timerStartPayload,
  timerStopPayload,
  voteCastPayload,
  votesRevealPayload,
  workshopSettingsPayload,
} from '../../shared/schemas.js';
import type { Logger } from '../collab/rooms.js';
import { AppError } from '../errors.js';
import type { Door } from '../http/door.js';
import { createThrottle } from './throttle.js';
import type { VoteService } from '../services/votes.js';
import { groupInfo, type Principal, type WorkshopService } from '../services/workshops.js';

/**
 * How a socket hears of presence changes: `state` is the contract (a full workshop:state), `delta`
 * the extension a client asks for at the handshake (presence:delta upserts).
 */
type PresenceMode = 'state' | 'delta';

interface SocketData {
  principal: Principal;
  presence: PresenceMode;
}

type AtelierServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type AtelierSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** Tallies are sent at most this often per workshop during a burst of votes (leading + trailing). */
const TALLY_THROTTLE_MS = 100;
/** Bounds of the window in which workshop:state broadcasts fold together. */
const STATE_THROTTLE_MIN_MS = 50;
const STATE_THROTTLE_MAX_MS = 1000;

const room = {
  workshop: (workshopId: string) => `w:${workshopId}`,
  facilitators: (workshopId: string) => `f:${workshopId}`,
  participant: (participantId: string) => `p:${participantId}`,
  /** Sockets that opted in to presence:delta. */
  deltaPresence: (workshopId: string) => `d:${workshopId}`,
  /** Stock sockets: presence changes reach them as a full workshop:state (the contract). */
  statePresence: (workshopId: string) => `s:${workshopId}`,
  /** Facilitators and projection screens: they see how many have voted. */
  progress: (workshopId: string) => `g:${workshopId}`,
};

export interface Realtime {
  io: AtelierServer;
  close(): Promise<void>;
}

export function createRealtime(deps: {
  httpServer: HttpServer;
  workshops: WorkshopService;
  votes: VoteService;
  log: Logger;
  door: Door;
  now?: () => number;
}): Realtime {
  const { workshops, votes, log, door } = deps;
  const now = deps.now ?? Date.now;
  const io: AtelierServer = new Server(deps.httpServer, {
    path: '/socket.io',
    serveClient: false,
    // The /yjs endpoint shares the HTTP server's upgrades: Socket.IO must leave them alone.
    destroyUpgrade: false,
    maxHttpBufferSize: LIMITS.messageBytes,
    // A page of another site gets no connection: engine.io answers a polling request 403, but an
    // upgrade only ever 400, so we answer that one 403 ourselves and let engine.io close it after.
    allowRequest: (req, callback) => {
      if (door.originAllowed(req)) return callback(null, true);
      if (req.headers.upgrade === undefined) return callback('origin not allowed', false);
      req.socket.once('finish', () => callback('origin not allowed', false));
      req.socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    },
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });

  /** Open sockets per participant: a participant is online while they have one. */
  const online = new Map<string, number>();

  function entryOf(p: { id: string; name: string; groupId: string }): ParticipantPresence {
    return {
      participantId: p.id,
      name: p.name,
      groupId: p.groupId,
      online: (online.get(p.id) ?? 0) > 0,
    };
  }

  async function stateOf(workshopId: string): Promise<WorkshopState> {
    const live = await workshops.live(workshopId);
    const r = live.record;
    return {
      phase: r.phase,
      timer: { endsAt: r.timerEndsAt, freezeAtZero: r.timerFreeze },
      serverNow: now(),
      votesRevealed: r.votesRevealed,
      groupChoiceLocked: r.groupChoiceLocked,
      joiningLocked: r.joiningLocked,
      groups: live.groups.map(groupInfo),
      participants: [...live.participants.values()].map(entryOf),
      screen: live.screen ?? { view: 'board', spotlight: null },
    };
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
      io.to(room.workshop(workshopId)).emit('workshop:state', await stateOf(workshopId));
      return;
    }
    if (changes.people.size === 0) return;
    if (roomSize(room.statePresence(workshopId)) > 0) {
      io.to(room.statePresence(workshopId)).emit('workshop:state', await stateOf(workshopId));
    }
    if (roomSize(room.deltaPresence(workshopId)) > 0) {
      // Built and sent in one synchronous step: no state computed later can reach a socket first.
      const live = await workshops.live(workshopId);
      const participants: ParticipantPresence[] = [];
      for (const id of changes.people) {
        const p = live.participants.get(id);
        if (p) participants.push(entryOf(p));
      }
      if (participants.length > 0) {
        io.to(room.deltaPresence(workshopId)).emit('presence:delta', { participants });
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
        Math.max(STATE_THROTTLE_MIN_MS, 2 * (workshops.peek(workshopId)?.participants.size ?? 0)),
      ),
    logError,
  );

  function recordChanged(workshopId: string): void {
    dirtyOf(workshopId).record = true;
    stateBroadcasts.schedule(workshopId);
  }

  function peopleChanged(workshopId: string, participantIds: Iterable<string>): void {
    const { people } = dirtyOf(workshopId);
    for (const id of participantIds) people.add(id);
    stateBroadcasts.schedule(workshopId);
  }

  async function sendTallies(workshopId: string): Promise<void> {
    const tallies = await votes.tallies(workshopId);
    const live = await workshops.live(workshopId);
    const target = live.record.votesRevealed
      ? room.workshop(workshopId)
      : room.facilitators(workshopId);
    io.to(target).emit('votes:tally', { tallies });
    io.to(room.progress(workshopId)).emit('votes:progress', await votes.progress(workshopId));
  }
  const tallyBroadcasts = createThrottle(sendTallies, () => TALLY_THROTTLE_MS, logError);
  const scheduleTallies = (workshopId: string) => tallyBroadcasts.schedule(workshopId);

  async function sendMine(
    socketOrRoom: string | AtelierSocket,
    workshopId: string,
    participantId: string,
  ) {
    const mine = await votes.mine(workshopId, participantId);
    if (typeof socketOrRoom === 'string') io.to(socketOrRoom).emit('votes:mine', mine);
    else socketOrRoom.emit('votes:mine', mine);
  }

  function logError(error: unknown): void {
    log.error('realtime error', { error: String(error) });
  }

  workshops.events.on('changed', recordChanged);
  workshops.events.on('people', peopleChanged);
  workshops.events.on('votes', (workshopId) => {
    // Votes were replaced wholesale (a restore): everyone's dots and the tallies are re-sent.
    void (async () => {
      await sendTallies(workshopId);
      const live = await workshops.live(workshopId);
      for (const p of live.participants.values()) {
        if ((online.get(p.id) ?? 0) > 0) await sendMine(room.participant(p.id), workshopId, p.id);
      }
    })().catch(logError);
  });
  workshops.events.on('phase', (workshopId) => {
    // Remaining dots are per voting phase: every participant's count may have changed.
    void (async () => {
      const live = await workshops.live(workshopId);
      for (const p of live.participants.values()) {
        if ((online.get(p.id) ?? 0) > 0) await sendMine(room.participant(p.id), workshopId, p.id);
      }
    })().catch(logError);
  });

  votes.events.on('returned', (workshopId, returns) => {
    // Cards that held dots are gone: each owner gets their new count, then the notice of why.
    void (async () => {
      for (const participantId of new Set(returns.map((r) => r.participantId))) {
        await sendMine(room.participant(participantId), workshopId, participantId);
      }
      for (const r of returns) {
        io.to(room.participant(r.participantId)).emit('votes:returned', {
          targetId: r.targetId,
          count: r.count,
          ...(r.title ? { title: r.title } : {}),
        });
      }
      scheduleTallies(workshopId);
    })().catch(logError);
  });
  workshops.events.on('deleted', (workshopId) => {
    // Everyone is told, then let go; their tokens and keys are refused from now on.
    io.to(room.workshop(workshopId)).emit('session:removed', { reason: 'deleted' });
    io.in(room.workshop(workshopId)).disconnectSockets(true);
  });
  workshops.events.on('removed', (workshopId, participantId) => {
    // Said, then closed (a server-side disconnect: the client does not come back on its own;
    // if it tries, its token is refused at the handshake). Their dots are gone: new tallies.
    online.delete(participantId);
    io.to(room.participant(participantId)).emit('session:removed', { reason: 'removed' });
    io.in(room.participant(participantId)).disconnectSockets();
    scheduleTallies(workshopId);
  });

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const options = handshakeOptions.safeParse(socket.handshake.auth);
    socket.data.presence = options.success && options.data.presence === 'delta' ? 'delta' : 'state';
    // Through the door: refused tokens count against the address, and past the limit every
    // handshake from it is refused with rate_limited for a while.
    door
      .authenticate(typeof token === 'string' ? token : undefined, door.address(socket.request))
      .then((principal) => {
        socket.data.principal = principal;
        next();
      })
      .catch((error: unknown) => {
        const err = new Error(
          error instanceof AppError ? error.message : 'authentication failed',
        ) as Error & {
          data?: unknown;
        };
        err.data = { code: error instanceof AppError ? error.code : ErrorCode.internal };
        next(err);
      });
  });

  /**
   * Wraps a command: a payload that fails its schema answers invalid_payload; a missing ack is a
   * protocol violation that closes this one connection; errors become `{ok:false}` answers.
   */
  function command<S extends z.ZodType, T>(
    socket: AtelierSocket,
    schema: S,
    options: { facilitatorOnly: boolean },
    run: (payload: z.output<S>, principal: Principal) => Promise<T>,
  ) {
    return (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') {
        socket.disconnect(true);
        return;
      }
      const answer = ack as (a: Ack<T>) => void;
      const wait = door.limits.command(socket);
      if (wait > 0) {
        answer({
          ok: false,
          error: {
            code: ErrorCode.rateLimited,
            message: `Too many commands; try again in ${wait} s.`,
          },
        });
        return;
      }
      const principal = socket.data.principal;
      if (options.facilitatorOnly && principal.role !== 'facilitator') {
        answer({
          ok: false,
          error: { code: ErrorCode.forbidden, message: 'Only the facilitator can do this.' },
        });
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const message = `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`;
        answer({ ok: false, error: { code: ErrorCode.invalidPayload, message } });
        return;
      }
      run(parsed.data, principal).then(
        (data) => answer({ ok: true, data }),
        (error: unknown) => {
          if (error instanceof AppError) {
            answer({ ok: false, error: { code: error.code, message: error.message } });
          } else {
            logError(error);
            answer({
              ok: false,
              error: { code: ErrorCode.internal, message: 'Something went wrong.' },
            });
          }
        },
      );
    };
  }

  io.on('connection', (socket) => {
    const principal = socket.data.principal;
    const { workshopId } = principal;
    void socket.join(room.workshop(workshopId));
    void socket.join(
      socket.data.presence === 'delta'
        ? room.deltaPresence(workshopId)
        : room.statePresence(workshopId),
    );

    if (principal.role === 'facilitator') {
      void socket.join(room.facilitators(workshopId));
      void socket.join(room.progress(workshopId));
      socket.emit('workshop:whoami', { role: 'facilitator', workshopId });
    } else if (principal.role === 'viewer') {
      void socket.join(room.progress(workshopId));
      socket.emit('workshop:whoami', { role: 'viewer', workshopId });
    } else {
      const { participantId } = principal;
      // Removed between the handshake and now: the handshake let them in, this must not.
      if (!workshops.peek(workshopId)?.participants.has(participantId)) {
        socket.emit('session:removed', { reason: 'removed' });
        socket.disconnect();
        return;
      }
      void socket.join(room.participant(participantId));
      const before = online.get(participantId) ?? 0;
      online.set(participantId, before + 1);
      // Only a participant coming online changes what others see (a second tab does not).
      if (before === 0) peopleChanged(workshopId, [participantId]);
      const me = workshops.peek(workshopId)?.participants.get(participantId);
      if (me) {
        socket.emit('workshop:whoami', {
          role: 'participant',
          workshopId,
          participantId,
          name: me.name,
          groupId: me.groupId,
        });
      }
      socket.on('disconnect', () => {
        const left = (online.get(participantId) ?? 1) - 1;
        if (left <= 0) {
          online.delete(participantId);
          peopleChanged(workshopId, [participantId]);
        } else {
          online.set(participantId, left);
        }
      });
    }

    void (async () => {
      // The newcomer gets the state at once; the others get it with the next folded broadcast.
      socket.emit('workshop:state', await stateOf(workshopId));
      if (principal.role === 'participant')
        await sendMine(socket, workshopId, principal.participantId);
      const live = await workshops.live(workshopId);
      if (principal.role === 'facilitator' || live.record.votesRevealed) {
        socket.emit('votes:tally', { tallies: await votes.tallies(workshopId) });
      }
      if (principal.role !== 'participant')
        socket.emit('votes:progress', await votes.progress(workshopId));
    })().catch(logError);

    socket.on(
      'vote:cast',
      command(
        socket,
        voteCastPayload,
        { facilitatorOnly: false },
        async ({ targetId, delta }, p) => {
          const result = await votes.cast(p, targetId, delta);
          if (p.role === 'participant')
            await sendMine(room.participant(p.participantId), workshopId, p.participantId);
          scheduleTallies(workshopId);
          return result;
        },
      ),
    );
    socket.on(
      'phase:set',
      command(socket, phaseSetPayload, { facilitatorOnly: true }, async ({ phase }) => {
        await workshops.update(workshopId, { phase });
        scheduleTallies(workshopId);
        return { phase };
      }),
    );
    socket.on(
      'timer:start',
      command(
        socket,
        timerStartPayload,
        { facilitatorOnly: true },
        async ({ seconds, freezeAtZero }) => {
          const endsAt = now() + seconds * 1000;
          await workshops.update(workshopId, {
            timerEndsAt: endsAt,
            timerFreeze: freezeAtZero ?? false,
          });
          return { endsAt };
        },
      ),
    );
    socket.on(
      'timer:add',
      command(socket, timerAddPayload, { facilitatorOnly: true }, async ({ seconds }) => {
        const live = await workshops.live(workshopId);
        // Adding to a timer that ran out (or none) starts from now, not from the past.
        const from = Math.max(now(), live.record.timerEndsAt ?? 0);
        const endsAt = from + seconds * 1000;
        await workshops.update(workshopId, { timerEndsAt: endsAt });
        return { endsAt };
      }),
    );
    socket.on(
      'timer:stop',
      command(socket, timerStopPayload, { facilitatorOnly: true }, async () => {
        await workshops.update(workshopId, { timerEndsAt: null, timerFreeze: false });
        return { endsAt: null };
      }),
    );
    socket.on(
      'votes:reveal',
      command(socket, votesRevealPayload, { facilitatorOnly: true }, async ({ revealed }) => {
        await workshops.update(workshopId, { votesRevealed: revealed });
        if (revealed) await sendTallies(workshopId);
        return { revealed };
      }),
    );
    socket.on(
      'participant:move',
      command(
        socket,
        participantMovePayload,
        { facilitatorOnly: true },
        async ({ participantId, groupId }) => {
          await workshops.moveParticipant(workshopId, participantId, groupId);
          return { groupId };
        },
      ),
    );
    socket.on(
      'workshop:settings',
      command(socket, workshopSettingsPayload, { facilitatorOnly: true }, async (settings) => {
        const live = await workshops.update(workshopId, settings);
        return {
          groupChoiceLocked: live.record.groupChoiceLocked,
          joiningLocked: live.record.joiningLocked,
        };
      }),
    );
    socket.on(
      'screen:view',
      command(socket, screenViewPayload, { facilitatorOnly: true }, ({ view }) =>
        workshops.setScreen(workshopId, { view }),
      ),
    );
    socket.on(
      'screen:spotlight',
      command(socket, screenSpotlightPayload, { facilitatorOnly: true }, ({ itemId }) =>
        workshops.setScreen(workshopId, { spotlight: itemId }),
      ),
    );
  });

  return {
    io,
    async close() {
      tallyBroadcasts.close();
      stateBroadcasts.close();
      dirty.clear();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
