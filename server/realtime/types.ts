// The typed Socket.IO server and socket of Atelier: the shared event maps and what the handshake
// leaves on each socket (who it is, and how it hears of presence changes).
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import type { Principal } from '../services/workshops.js';

/**
 * How a socket hears of presence changes: `state` is the contract (a full workshop:state), `delta`
 * the extension a client asks for at the handshake (presence:delta upserts).
 */
export type PresenceMode = 'state' | 'delta';

export interface SocketData {
  principal: Principal;
  presence: PresenceMode;
}

export type AtelierServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type AtelierSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
