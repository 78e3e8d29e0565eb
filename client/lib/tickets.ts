// Connection tickets: the page trades its secret (facilitator key, screen key, participant token)
// for a ticket that lives two minutes and puts only the ticket in WebSocket URLs, which proxies
// and servers log. One ticket serves every document a page opens (it names a person, not a
// document); it is fetched again before it is half-way to its expiry, so a reconnection never
// presents an expired one.
import type { TicketResult } from '../../shared/api.js';
import { request, workshopPath } from './api.js';

/** The server's tickets live 2 minutes; past 1 minute we fetch a new one (no clock shared). */
const REUSE_MS = 60_000;

const cache = new Map<string, { at: number; ticket: Promise<string> }>();

async function fetchTicket(workshopId: string, secret: string): Promise<string> {
  const answer = await request<TicketResult>('POST', workshopPath(workshopId, 'tickets'), {
    key: secret,
  });
  return answer.ticket;
}

/** A ticket for this secret's WebSocket connections; throws ApiError (status 0 when offline). */
export function connectionTicket(workshopId: string, secret: string): Promise<string> {
  const key = `${workshopId}\n${secret}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < REUSE_MS) return hit.ticket;
  const ticket = fetchTicket(workshopId, secret);
  const entry = { at: Date.now(), ticket };
  cache.set(key, entry);
  // A failure is not kept: the next connection attempt asks again.
  ticket.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return ticket;
}

/** Forgets this secret's ticket (the server refused it): the next attempt fetches a new one. */
export function forgetTicket(workshopId: string, secret: string): void {
  cache.delete(`${workshopId}\n${secret}`);
}
