// Several processes serving the same workshops (REDIS_URL, over one PostgreSQL database): the
// Redis bus, the Yjs replication through the database log, and the cache announcements, put
// together and started and stopped as one. See docs/architecture.md, "Several processes".
import type { Logger } from '../collab/room.js';
import type { Rooms } from '../collab/rooms.js';
import type { Broadcasts } from '../realtime/broadcasts.js';
import type { VoteService } from '../services/votes.js';
import type { WorkshopService } from '../services/workshops.js';
import { docHeads, readDocSince } from '../store/postgres-log.js';
import { postgresPool } from '../store/postgres-migrations.js';
import type { Store } from '../store/store.js';
import { createAnnouncements, type Announcements } from './announcements.js';
import { createBus } from './bus.js';
import { createOnlinePeers, type OnlinePeers } from './online.js';
import { createReplication, type DocLogReader, type Replication } from './replication.js';
import { createAnnouncementStream } from './stream.js';

export interface Cluster {
  readonly replication: Replication;
  /** Who is online through the other processes (for the Socket.IO presence). */
  readonly peers: OnlinePeers;
  /** Ties the services and this process's sockets to the announcements (once they exist). */
  attach(deps: {
    workshops: WorkshopService;
    votes: VoteService;
    rooms: Rooms;
    broadcasts: Broadcasts;
  }): Announcements;
  /** Connects to Redis and starts the poll and the announcement reader (listen waits for it). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Connections for reading the log back: apart from the store's, so that they never wait on each other. */
const LOG_POOL_SIZE = 4;

export function createCluster(deps: {
  redisUrl: string;
  databaseUrl: string;
  store: Store;
  log: Logger;
}): Cluster {
  const { redisUrl, store, log } = deps;
  const pool = postgresPool({ url: deps.databaseUrl, poolSize: LOG_POOL_SIZE });
  const query = (text: string, values: unknown[]) => pool.query(text, values);
  const reader: DocLogReader = {
    readDocSince: (workshopId, docName, afterSeq, stateVersion) =>
      readDocSince(query, workshopId, docName, afterSeq, stateVersion),
    docHeads: (docs) => docHeads(query, docs),
  };
  const bus = createBus(redisUrl, log);
  const replication = createReplication({ bus, reader, log });
  const stream = createAnnouncementStream(bus, log);
  const peers = createOnlinePeers(bus, log);
  let announcements: Announcements | null = null;
  return {
    replication,
    peers,
    attach(services) {
      peers.onChange((workshopId, participantIds) => {
        if (services.workshops.peek(workshopId))
          services.broadcasts.peopleChanged(workshopId, participantIds);
      });
      announcements = createAnnouncements({ stream, store, log, ...services });
      return announcements;
    },
    async start() {
      await bus.ready;
      replication.start();
      peers.start();
      announcements?.start();
    },
    async close() {
      replication.stop();
      peers.stop();
      await stream.close();
      await bus.close();
      await pool.end();
    },
  };
}
