// The /yjs/<workshopId>/<docName>?token=… (or ?ticket=…) WebSocket endpoint: checks the Origin,
// authenticates the upgrade, checks that the document exists, and hands the socket to the room
// layer with its write rights. A foreign Origin is refused with HTTP 403 before upgrading; other
// refusals are close codes (4401, 4403, 4404, 4429) since a browser cannot read an HTTP refusal.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '../../shared/closeCodes.js';
import { ErrorCode } from '../../shared/errors.js';
import { awarenessName } from '../../shared/anonymity.js';
import { parseDraftDocName } from '../../shared/facilitation.js';
import { parseDocName } from '../../shared/ids.js';
import { MODERATION_DOC } from '../../shared/moderation.js';
import { LIMITS } from '../../shared/limits.js';
import { AppError } from '../errors.js';
import type { Door } from '../http/door.js';
import { canWriteDraft, mayOpenDraft } from '../services/facilitation.js';
import { canWrite, type LiveWorkshop, type WorkshopService } from '../services/workshops.js';
import type { Logger, Rooms } from './rooms.js';

const PATH = /^\/yjs\/([^/]+)\/([^/]+)$/;

/** The name a participant's awareness carries; null when they are gone. */
function awarenessNameOf(live: LiveWorkshop | undefined, participantId: string): string | null {
  const p = live?.participants.get(participantId);
  if (!live || !p) return null;
  return awarenessName(
    live.record.anonymity ?? 'named',
    { name: p.name, ordinal: p.ordinal ?? 0 },
    live.record.language,
  );
}

const closeCodeOf: Partial<Record<string, number>> = {
  [ErrorCode.unauthorized]: CloseCode.unauthorized,
  [ErrorCode.forbidden]: CloseCode.forbidden,
  [ErrorCode.notFound]: CloseCode.notFound,
  [ErrorCode.rateLimited]: CloseCode.rateLimited,
};

export interface YjsEndpoint {
  /** Takes the upgrade if its path is ours; returns false to let another handler have it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

export function createYjsEndpoint(deps: {
  rooms: Rooms;
  workshops: WorkshopService;
  log: Logger;
  door: Door;
}): YjsEndpoint {
  const { rooms, workshops, log, door } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.messageBytes });

  async function accept(
    ws: WebSocket,
    workshopId: string,
    docName: string,
    token: string | null,
    address: string,
  ) {
    try {
      const principal = await door.authenticate(token ?? undefined, address, { tickets: true });
      if (principal.workshopId !== workshopId) {
        throw new AppError(ErrorCode.forbidden, 'This token belongs to another workshop.');
      }
      if (docName === MODERATION_DOC) {
        // The facilitator's own document (hidden cards, approvals, issue 16): nobody else reads it.
        if (principal.role !== 'facilitator')
          throw new AppError(ErrorCode.forbidden, 'This document is the facilitator’s.');
        await workshops.live(workshopId);
        if (ws.readyState !== ws.OPEN) return;
        await rooms.connect(ws, {
          workshopId,
          docName,
          principalId: principal.role,
          mayAnnounce: true,
          canWrite: () => workshops.peek(workshopId) !== undefined,
        });
        return;
      }
      const doc = parseDocName(docName);
      // Private writing (issue 16): a participant's draft, read by them and the facilitator only.
      const draftAuthor = parseDraftDocName(docName);
      const live = await workshops.live(workshopId);
      if (draftAuthor !== null) {
        if (!mayOpenDraft(principal, draftAuthor)) {
          throw new AppError(ErrorCode.forbidden, 'This draft is not yours.');
        }
        if (!live.participants.has(draftAuthor)) {
          throw new AppError(ErrorCode.notFound, 'No such document in this workshop.');
        }
      } else if (!doc || (doc.kind === 'group' && !live.groups.some((g) => g.id === doc.groupId))) {
        throw new AppError(ErrorCode.notFound, 'No such document in this workshop.');
      }
      // Inbox moderation (issue 16): the projection gets approved cards (screen:cards), no group document.
      const inbox = live.record.moderation === 'inbox';
      if (principal.role === 'viewer' && doc?.kind === 'group' && inbox)
        throw new AppError(ErrorCode.forbidden, 'The projection shows approved cards only.');
      if (ws.readyState !== ws.OPEN) return;
      await rooms.connect(ws, {
        workshopId,
        docName,
        principalId: principal.role === 'participant' ? principal.participantId : principal.role,
        // Awareness (who is here, which card they edit) only from the document's writers in
        // principle; a move to another group closes the connection, so this holds while it lives.
        mayAnnounce:
          principal.role === 'facilitator' ||
          (principal.role === 'participant' &&
            // Blocked (issue 16): their awareness reaches nobody either; a block reconnects them.
            live.participants.get(principal.participantId)?.blocked !== true &&
            (draftAuthor !== null ||
              (doc?.kind === 'group' &&
                live.participants.get(principal.participantId)?.groupId === doc.groupId))),
        // Awareness carries the name this person is shown under (anonymity, issue 16), whatever
        // the client put there: read at every message, so a change of mode applies from then on.
        ...(principal.role === 'participant'
          ? { nameOf: () => awarenessNameOf(workshops.peek(workshopId), principal.participantId) }
          : {}),
        // Read from the in-memory workshop at every message: phase and group changes apply at once.
        canWrite: () => {
          const current = workshops.peek(workshopId);
          if (current === undefined) return false;
          if (draftAuthor !== null) return canWriteDraft(current, principal, draftAuthor);
          return doc !== null && canWrite(current, principal, doc);
        },
      });
      // A removal or a deletion that happened while this connection was opening missed it:
      // checked again once it is registered, so that it cannot stay.
      const after = workshops.peek(workshopId);
      const gone =
        !after ||
        (principal.role === 'participant' && !after.participants.has(principal.participantId));
      if (gone) ws.close(CloseCode.forbidden, 'removed');
    } catch (error) {
      const code = error instanceof AppError ? closeCodeOf[error.code] : undefined;
      if (code === undefined) log.error('yjs connection failed', { error: String(error) });
      ws.close(
        code ?? 1011,
        error instanceof AppError ? error.message.slice(0, 120) : 'internal error',
      );
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = PATH.exec(url.pathname);
      if (!match) return false;
      if (!door.originAllowed(req)) {
        // Browsers always send Origin: a page of another site (which could have been handed a
        // token or ticket) gets no socket at all. Refused before the upgrade, as ws does it.
        socket.once('finish', () => socket.destroy());
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return true;
      }
      let workshopId: string;
      let docName: string;
      try {
        workshopId = decodeURIComponent(match[1]!);
        docName = decodeURIComponent(match[2]!);
      } catch {
        socket.destroy();
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        // A frame over maxPayload, or one that breaks the WebSocket protocol: ws closes this
        // connection (1009, 1002…) and emits 'error', which without a listener would end the process.
        ws.on('error', (error) =>
          log.info('websocket protocol error; connection closed', { error: String(error) }),
        );
        // Messages that arrive while we authenticate are held by pausing the socket.
        ws.pause();
        // A refused socket is resumed too: its close handshake needs the client's close frame
        // read, or the client only sees the close code when ws's 30 s close timer fires.
        // A ticket (what pages send) or the secret itself (the contract, for stock clients).
        const credential = url.searchParams.get('ticket') ?? url.searchParams.get('token');
        void accept(ws, workshopId, docName, credential, door.address(req)).finally(() =>
          ws.resume(),
        );
      });
      return true;
    },
    close() {
      for (const client of wss.clients) client.close(CloseCode.goingAway, 'server shutting down');
      wss.close();
    },
  };
}
