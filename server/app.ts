// The composition root: builds the store, services, HTTP app, Socket.IO and the /yjs endpoint
// on one HTTP server. No side effects until listen() is called; close() undoes everything.
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import compression from 'compression';
import express from 'express';
import { ErrorCode } from '../shared/errors.js';
import { LIMITS } from '../shared/limits.js';
import { createYjsEndpoint } from './collab/endpoint.js';
import { createRooms, type Logger, type Rooms } from './collab/rooms.js';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import { createAccessibilityRouter } from './http/accessibility.js';
import { createAdminRouter } from './http/admin.js';
import { createApiRouter } from './http/api.js';
import { createTemplateRouter } from './http/templates.js';
import { createTemplateService } from './services/templates.js';
import { createDoor } from './http/door.js';
import { errorHandler } from './http/errors.js';
import { securityHeaders } from './http/headers.js';
import { createMetrics } from './http/metrics.js';
import { createPrivacyRouter } from './http/privacy.js';
import { serveClient } from './http/static.js';
import { createLogger } from './log.js';
import { wireEvents } from './events.js';
import { createRealtime } from './realtime/socket.js';
import { createModerationService } from './services/moderation.js';
import { createProfanityCheck } from './services/profanity.js';
import { createCluster } from './scale/cluster.js';
import { createBoardService } from './services/board.js';
import { createDemoWorkshop } from './services/demo.js';
import { createRoundService } from './services/rounds.js';
import { createFacilitationService } from './services/facilitation.js';
import { createWorkshopDeletion, type WorkshopDeletion } from './services/deletion.js';
import { createSnapshotService } from './services/snapshots.js';
import { createVoteService } from './services/votes.js';
import { createWithdrawal } from './services/withdrawal.js';
import { createWorkshopService, type WorkshopService } from './services/workshops.js';
import { createPostgresStore } from './store/postgres.js';
import { createSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

export interface AtelierServer {
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  readonly httpServer: HttpServer;
  readonly store: Store;
  readonly rooms: Rooms;
  readonly workshops: WorkshopService;
  readonly deletion: WorkshopDeletion;
}

export function createServer(
  config: Config,
  deps: { store?: Store; log?: Logger } = {},
): AtelierServer {
  const log = deps.log ?? createLogger(config.logLevel);
  const store =
    deps.store ??
    (config.databaseUrl
      ? createPostgresStore({ url: config.databaseUrl })
      : createSqliteStore(config.databaseFile));
  const workshops = createWorkshopService({ store });
  // Several processes (REDIS_URL, which config.ts accepts only with DATABASE_URL): server/scale/.
  const cluster =
    config.redisUrl && config.databaseUrl
      ? createCluster({ redisUrl: config.redisUrl, databaseUrl: config.databaseUrl, store, log })
      : null;
  const rooms = createRooms({
    store,
    compactAfter: config.compactAfter,
    log,
    ...(cluster ? { replication: cluster.replication } : {}),
  });
  const votes = createVoteService({ store, workshops, docs: rooms, log });
  const board = createBoardService({ store, workshops, votes, docs: rooms });
  const snapshots = createSnapshotService({ store, workshops, board, log });
  const deletion = createWorkshopDeletion({
    store,
    workshops,
    rooms,
    log,
    retentionDays: config.retentionDays,
  });

  const app = express();
  app.disable('x-powered-by');
  // Mirrored by http/address.ts for Socket.IO and /yjs, which Express does not see.
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());
  const door = createDoor({ config, workshops });
  // The import route reads its own, larger body; everything else is limited here.
  const json = express.json({ limit: LIMITS.httpBodyBytes });
  app.use((req, res, next) =>
    req.path === '/api/workshops/import' ? next() : json(req, res, next),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const metrics = createMetrics({ token: config.metricsToken, stats: () => rooms.stats() });
  app.use(metrics.router);
  // JSON and exports over 1 KiB leave compressed; Socket.IO and /yjs never pass through Express.
  app.use('/api', compression());
  const withdrawal = createWithdrawal({ store, workshops, docs: rooms });
  app.use('/api', createPrivacyRouter({ workshops, withdrawal, door }));
  app.use('/api', createAccessibilityRouter(config));
  const templates = createTemplateService();
  app.use(
    '/api',
    createAdminRouter({
      workshops,
      board,
      snapshots,
      docs: rooms,
      createDemo: () => createDemoWorkshop({ store, workshops, docs: rooms }),
      deleteWorkshop: deletion.deleteWorkshop,
      forgetName: withdrawal.forgetName,
      door,
      templates,
    }),
  );
  app.use('/api', door.router());
  app.use('/api', createTemplateRouter({ templates, door }));
  app.use('/api', createApiRouter({ workshops, config, door, templates }));
  if (config.clientDir && existsSync(path.join(config.clientDir, 'index.html')))
    app.use(serveClient(config.clientDir));
  // Whatever nothing above served is a 404 in the API's error shape, not Express's HTML page.
  app.use((_req, _res) => {
    throw new AppError(ErrorCode.notFound, 'Nothing here.');
  });
  app.use(errorHandler(log));

  const httpServer = createHttpServer(app);
  const yjs = createYjsEndpoint({ rooms, workshops, log, door });
  const moderation = createModerationService({
    workshops,
    docs: rooms,
    profanity: createProfanityCheck(),
    log,
  });
  const facilitation = createFacilitationService({ workshops, docs: rooms });
  const realtime = createRealtime({
    httpServer,
    workshops,
    votes,
    facilitation,
    log,
    door,
    moderation,
    rounds: createRoundService({ store, workshops, docs: rooms }),
    ...(cluster ? { peers: cluster.peers } : {}),
  });
  wireEvents({
    moderation,
    workshops,
    votes,
    facilitation,
    snapshots,
    rooms,
    door,
    broadcasts: realtime.broadcasts,
    logError: (error) => log.error('realtime error', { error: String(error) }),
  });
  cluster?.attach({ workshops, votes, rooms, broadcasts: realtime.broadcasts });
  httpServer.on('upgrade', (req, socket, head) => {
    if (yjs.handleUpgrade(req, socket, head)) return;
    // Socket.IO has its own upgrade listener for its path; anything else has no business here.
    if (!(req.url ?? '').startsWith('/socket.io/')) socket.destroy();
  });

  let closing: Promise<void> | null = null;

  return {
    httpServer,
    store,
    rooms,
    workshops,
    deletion,
    async listen() {
      // The other processes are reachable before this one takes work.
      await cluster?.start();
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          deletion.start();
          resolve({ port, url: `http://${host}:${port}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        // Stop accepting, let in-flight appends land, then close the database.
        const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        yjs.close();
        metrics.close();
        deletion.stop();
        await realtime.close();
        await rooms.close();
        await cluster?.close();
        httpServer.closeAllConnections();
        await httpClosed;
        await store.close();
      })();
      return closing;
    },
  };
}
