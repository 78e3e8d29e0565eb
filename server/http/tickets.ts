// Connection tickets: a page trades its facilitator key, screen key or participant token for a
// ticket that lives two minutes, and puts only the ticket in WebSocket URLs (which proxies and
// servers log). A ticket is HMAC-signed, not stored: any process holding TICKET_SECRET checks it.
// It carries the rights of the secret it came from, checked again when it is used (a participant
// removed meanwhile is refused); a connection opened with it stays open after it expires.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { TicketResult } from '../../shared/api.js';
import { ErrorCode } from '../../shared/errors.js';
import { AppError } from '../errors.js';
import type { Principal, WorkshopService } from '../services/workshops.js';

/** Long enough to open every document of a page and retry once; short enough to be worth little in a log. */
export const TICKET_TTL_MS = 2 * 60 * 1000;
const PREFIX = 't1.';
/** A ticket is ~150 characters; anything much longer is not one. */
const MAX_TICKET_LENGTH = 512;

const claimsSchema = z.object({
  /** workshop */
  w: z.string().min(1).max(64),
  /** role */
  r: z.enum(['facilitator', 'viewer', 'participant']),
  /** participant id */
  p: z.string().min(1).max(64).optional(),
  /** expiry, ms since the epoch */
  e: z.number().int(),
});

export interface Tickets {
  issue(principal: Principal): TicketResult;
  /** The principal of a valid, unexpired ticket whose rights still hold; throws unauthorized. */
  redeem(ticket: string): Promise<Principal>;
}

/** Tickets look nothing like keys or tokens (base64url, no dots): the two never mix up. */
export function isTicket(credential: string): boolean {
  return credential.startsWith(PREFIX);
}

export function createTickets(deps: {
  secret: string | null;
  workshops: WorkshopService;
  now?: () => number;
}): Tickets {
  const key = deps.secret ?? randomBytes(32).toString('base64url');
  const now = deps.now ?? Date.now;
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest();
  const refused = () =>
    new AppError(ErrorCode.unauthorized, 'This ticket is not valid or has expired.');

  return {
    issue(principal) {
      const expiresAt = now() + TICKET_TTL_MS;
      const claims: z.input<typeof claimsSchema> = {
        w: principal.workshopId,
        r: principal.role,
        e: expiresAt,
      };
      if (principal.role === 'participant') claims.p = principal.participantId;
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return { ticket: `${PREFIX}${payload}.${sign(payload).toString('base64url')}`, expiresAt };
    },

    async redeem(ticket) {
      if (!isTicket(ticket) || ticket.length > MAX_TICKET_LENGTH) throw refused();
      const [payload = '', signature = ''] = ticket.slice(PREFIX.length).split('.');
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
      let claims: z.output<typeof claimsSchema>;
      try {
        claims = claimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      } catch {
        throw refused();
      }
      if (claims.e <= now()) throw refused();
      // The rights are those of now, not of when the ticket was made: the workshop may be gone,
      // the participant removed.
      const live = await deps.workshops.live(claims.w).catch(() => null);
      if (!live) throw refused();
      if (claims.r === 'participant') {
        if (!claims.p || !live.participants.has(claims.p)) throw refused();
        return { role: 'participant', workshopId: claims.w, participantId: claims.p };
      }
      return { role: claims.r, workshopId: claims.w };
    },
  };
}
