// The y-websocket protocol's message types, and the one way a room sends a message.
import type { WebSocket } from 'ws';

/** y-websocket message types (the first varUint of every message). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
/** y-protocols sync message types. */
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/** Sends if the socket is open; a send that fails ends the connection (it will resync). */
export function send(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(message, (error) => {
    if (error) ws.terminate();
  });
}
