// Socket.IO's composition: the server on the shared HTTP server, the handshake, and for each
// connection its rooms, its presence and the command table. What is sent unasked lives in
// broadcasts.ts, who is online in presence.ts, what each command does in commands.ts.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { LIMITS } from '../../shared/limits.js';
import type { Logger } from '../collab/rooms.js';
import type { Door } from '../http/door.js';
import type { FacilitationService } from '../services/facilitation.js';
import type { ModerationService } from '../services/moderation.js';
import type { RoundService } from '../services/rounds.js';
import type { VoteService } from '../services/votes.js';
import type { WorkshopService } from '../services/workshops.js';
import { createBroadcasts, type Broadcasts } from './broadcasts.js';
import { channel } from './channels.js';
import { createCommands } from './commands.js';
import { listenToCommands } from './dispatch.js';
import { authenticateHandshakes } from './handshake.js';
import { welcomeModeration } from './moderation.js';
import { createPresence, type PeerPresence } from './presence.js';
import type { AtelierServer } from './types.js';

export interface Realtime {
  io: AtelierServer;
  /** What the services' events turn into on the wire (subscribed in server/events.ts). */
  broadcasts: Broadcasts;
  close(): Promise<void>;
}

export function createRealtime(deps: {
  httpServer: HttpServer;
  workshops: WorkshopService;
  votes: VoteService;
  facilitation: FacilitationService;
  log: Logger;
  door: Door;
  moderation: ModerationService;
  rounds: RoundService;
  /** Several processes: who is online through the others (server/scale/online.ts). */
  peers?: PeerPresence;
  now?: () => number;
}): Realtime {
  const { workshops, votes, facilitation, log, door } = deps;
  const now = deps.now ?? Date.now;
  const moderation = deps.moderation;
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

  function logError(error: unknown): void {
    log.error('realtime error', { error: String(error) });
  }

  const presence = createPresence(deps.peers);
  const broadcasts = createBroadcasts({
    io,
    workshops,
    votes,
    presence,
    facilitation,
    now,
    logError,
  });
  const commands = createCommands({
    workshops,
    votes,
    broadcasts,
    facilitation,
    now,
    moderation,
    rounds: deps.rounds,
  });

  authenticateHandshakes(io, door);

  io.on('connection', (socket) => {
    const principal = socket.data.principal;
    const { workshopId } = principal;
    void socket.join(channel.workshop(workshopId));
    const reader = principal.role === 'facilitator' ? 'facilitator' : 'room';
    void socket.join(
      socket.data.presence === 'delta'
        ? channel.deltaPresence(workshopId, reader)
        : channel.statePresence(workshopId, reader),
    );

    if (principal.role === 'facilitator') {
      void socket.join(channel.facilitators(workshopId));
      void socket.join(channel.progress(workshopId));
      socket.emit('workshop:whoami', { role: 'facilitator', workshopId });
    } else if (principal.role === 'viewer') {
      void socket.join(channel.progress(workshopId));
      void socket.join(channel.screens(workshopId));
      socket.emit('workshop:whoami', { role: 'viewer', workshopId });
    } else {
      const { participantId } = principal;
      // Removed between the handshake and now: the handshake let them in, this must not.
      const me = workshops.peek(workshopId)?.participants.get(participantId);
      if (!me) {
        socket.emit('session:removed', { reason: 'removed' });
        socket.disconnect();
        return;
      }
      void socket.join(channel.participant(participantId));
      // Only a participant coming online changes what others see (a second tab does not).
      if (presence.opened(participantId, workshopId))
        broadcasts.peopleChanged(workshopId, [participantId]);
      socket.emit('workshop:whoami', {
        role: 'participant',
        workshopId,
        participantId,
        name: me.name,
        groupId: me.groupId,
      });
      socket.on('disconnect', () => {
        if (presence.closed(participantId, workshopId))
          broadcasts.peopleChanged(workshopId, [participantId]);
      });
    }

    broadcasts.welcome(socket, principal).catch(logError);
    welcomeModeration(socket, principal, { moderation, workshops }).catch(logError);
    listenToCommands(socket, commands, { door, logError });
  });

  return {
    io,
    broadcasts,
    async close() {
      broadcasts.close();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
