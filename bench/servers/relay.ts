// The floor for this protocol: a bare y-websocket relay on the same yjs and y-protocols, with no
// authentication, no storage and no write rights. One Y.Doc per room (it must answer sync step 1
// for late joiners); a document update goes to every other connection of the room at once.
import { createServer } from 'node:http';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { startHarness } from './harness.js';

const MessageType = { sync: 0, awareness: 1 } as const;

interface Room {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  conns: Map<WebSocket, Set<number>>;
}

const rooms = new Map<string, Room>();

function send(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState === ws.OPEN) ws.send(message);
}

function roomOf(name: string): Room {
  const room = rooms.get(name);
  if (room) return room;
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const created: Room = { doc, awareness, conns: new Map() };
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const ws of created.conns.keys()) if (ws !== origin) send(ws, message);
  });
  awareness.on(
    'update',
    (
      { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ) => {
      const ids = origin instanceof Object ? created.conns.get(origin as WebSocket) : undefined;
      if (ids) {
        for (const id of added) ids.add(id);
        for (const id of removed) ids.delete(id);
      }
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.awareness);
      encoding.writeVarUint8Array(
        encoder,
        awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]),
      );
      const message = encoding.toUint8Array(encoder);
      for (const ws of created.conns.keys()) send(ws, message);
    },
  );
  rooms.set(name, created);
  return created;
}

const httpServer = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: httpServer });

wss.on('connection', (ws, req) => {
  const room = roomOf((req.url ?? '/').slice(1).split('?')[0]!);
  room.conns.set(ws, new Set());
  ws.on('message', (data: Buffer) => {
    try {
      const decoder = decoding.createDecoder(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      const type = decoding.readVarUint(decoder);
      if (type === MessageType.sync) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.sync);
        syncProtocol.readSyncMessage(decoder, encoder, room.doc, ws);
        if (encoding.length(encoder) > 1) send(ws, encoding.toUint8Array(encoder));
      } else if (type === MessageType.awareness) {
        awarenessProtocol.applyAwarenessUpdate(
          room.awareness,
          decoding.readVarUint8Array(decoder),
          ws,
        );
      }
    } catch {
      ws.close(4400, 'malformed message');
    }
  });
  ws.on('close', () => {
    const ids = room.conns.get(ws);
    room.conns.delete(ws);
    if (ids && ids.size > 0)
      awarenessProtocol.removeAwarenessStates(room.awareness, [...ids], null);
  });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  syncProtocol.writeSyncStep1(encoder, room.doc);
  send(ws, encoding.toUint8Array(encoder));
  const states = room.awareness.getStates();
  if (states.size > 0) {
    const aw = encoding.createEncoder();
    encoding.writeVarUint(aw, MessageType.awareness);
    encoding.writeVarUint8Array(
      aw,
      awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()]),
    );
    send(ws, encoding.toUint8Array(aw));
  }
});

const harness = startHarness({
  extra: () => {
    let connections = 0;
    for (const room of rooms.values()) connections += room.conns.size;
    return { rooms: rooms.size, connections };
  },
  stop: async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  },
});
httpServer.listen(0, '127.0.0.1', () => {
  const address = httpServer.address();
  harness.ready(typeof address === 'object' && address ? address.port : 0);
});
