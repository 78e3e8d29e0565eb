// The server's door: one object that HTTP routes, Socket.IO and the /yjs endpoint share to know
// who knocks (address), whether a browser page may open our sockets (Origin), how often they may
// knock (limits), with what (keys, tokens, tickets), and how many a workshop holds.
// Its own routes: POST /api/workshops/:workshopId/tickets and GET …/crowd.
import type { IncomingMessage } from 'node:http';
import { Router, type Request } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Principal, WorkshopService } from '../services/workshops.js';
import { originAllowed, requestKey } from './address.js';
import { createCrowd, type Crowd } from './crowd.js';
import { createLimits, type Limits } from './limits.js';
import { createTickets, isTicket, type Tickets } from './tickets.js';

export interface Door {
  readonly limits: Limits;
  readonly tickets: Tickets;
  readonly crowd: Crowd;
  /** The rate-limit key of this request's caller. */
  address(req: IncomingMessage): string;
  /** No Origin, our own, or PUBLIC_URL's. */
  originAllowed(req: IncomingMessage): boolean;
  /**
   * A key, token or (if `tickets` is set) connection ticket to its principal, counting refusals
   * per address: past AUTH_FAILURES_PER_10MIN, every attempt from there is refused (429).
   */
  authenticate(
    credential: string | undefined,
    address: string,
    options?: { tickets?: boolean },
  ): Promise<Principal>;
  /**
   * Holds a place in a workshop for a join in flight: refused with workshop_full when the
   * participants and the joins in flight reach MAX_PARTICIPANTS. Call the returned release after.
   */
  reserveSeat(workshopId: string): Promise<() => void>;
  router(): Router;
}

/** `Authorization: Bearer <secret>`. */
export function bearer(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

export function createDoor(deps: { config: Config; workshops: WorkshopService }): Door {
  const { config, workshops } = deps;
  const limits = createLimits(config.door);
  const tickets = createTickets({ secret: config.door.ticketSecret, workshops });
  const crowd = createCrowd(config.door.crowdWarning);
  const joining = new Map<string, number>();

  async function authenticate(
    credential: string | undefined,
    address: string,
    options: { tickets?: boolean } = {},
  ): Promise<Principal> {
    await limits.authAllowed(address);
    try {
      return options.tickets && credential && isTicket(credential)
        ? await tickets.redeem(credential)
        : await workshops.authenticate(credential);
    } catch (error) {
      // Only a secret that matches nothing is a guess; a missing one is a page that forgot it.
      if (credential && error instanceof AppError && error.code === ErrorCode.unauthorized) {
        await limits.authFailed(address, credential);
      }
      throw error;
    }
  }

  async function requireFacilitator(req: Request): Promise<Principal> {
    const principal = await authenticate(bearer(req), requestKey(req));
    if (
      principal.role !== 'facilitator' ||
      principal.workshopId !== String(req.params.workshopId)
    ) {
      throw new AppError(ErrorCode.forbidden, 'Only this workshop’s facilitator key opens this.');
    }
    return principal;
  }

  return {
    limits,
    tickets,
    crowd,
    address: requestKey,
    originAllowed: (req) => originAllowed(req, config.publicUrl),
    authenticate,
    async reserveSeat(workshopId) {
      const live = await workshops.live(workshopId);
      const inFlight = joining.get(workshopId) ?? 0;
      if (live.participants.size + inFlight >= config.door.maxParticipants) {
        throw new AppError(
          ErrorCode.workshopFull,
          `This workshop is full (${config.door.maxParticipants} participants).`,
        );
      }
      joining.set(workshopId, inFlight + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (joining.get(workshopId) ?? 1) - 1;
        if (left <= 0) joining.delete(workshopId);
        else joining.set(workshopId, left);
      };
    },
    router() {
      const router = Router();
      // Any secret of this workshop (facilitator key, screen key, participant token) for a ticket
      // with the same rights, to put in WebSocket URLs instead of the secret.
      router.post('/workshops/:workshopId/tickets', async (req, res) => {
        const principal = await authenticate(bearer(req), requestKey(req));
        if (principal.workshopId !== String(req.params.workshopId)) {
          throw new AppError(ErrorCode.forbidden, 'This token belongs to another workshop.');
        }
        res.setHeader('Cache-Control', 'no-store');
        res.status(201).json(tickets.issue(principal));
      });
      // For the facilitator only: addresses that joined far more people than a room would.
      router.get('/workshops/:workshopId/crowd', async (req, res) => {
        await requireFacilitator(req);
        res.setHeader('Cache-Control', 'no-store');
        res.json(crowd.report(String(req.params.workshopId)));
      });
      return router;
    },
  };
}
