// The one refusal policy of the page: which answers of the server mean "this secret opens nothing
// here, stop" and which mean "not now, come back later", read alike from a Socket.IO handshake
// error and from a Yjs WebSocket close code.
import { CloseCode } from '../../shared/closeCodes.js';
import { ErrorCode } from '../../shared/errors.js';

/** Refusals no retry can mend: the secret is not (or no longer) good for this workshop. */
export const FINAL_REFUSALS = [ErrorCode.unauthorized, ErrorCode.forbidden] as const;
export type FinalRefusal = (typeof FINAL_REFUSALS)[number];

/** Why a connection failed or closed, and so what to do next. */
export type ConnectFailure =
  /** The server refused the secret: stop, the page says why. `removed`: by the facilitator. */
  | { kind: 'refused'; code: FinalRefusal; removed: boolean }
  /** The server refused for now (rate limited, full, its own failure): retry, without haste. */
  | { kind: 'later'; code: string }
  /** What was asked for does not exist (a Yjs document): nothing to retry. */
  | { kind: 'missing' }
  /** The server closed this connection for what it sent (bad message, too large): it stays closed. */
  | { kind: 'closed'; code: number }
  /** No answer, or a connection lost (network, server restarting): retry on the backoff schedule. */
  | { kind: 'network' };

function finalRefusal(code: string): FinalRefusal | undefined {
  return FINAL_REFUSALS.find((refusal) => refusal === code);
}

/** Reads a Socket.IO `connect_error`: the server's middleware puts its error code in `data.code`. */
export function classifyConnectError(error: Error & { data?: unknown }): ConnectFailure {
  const code = (error.data as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return { kind: 'network' };
  const final = finalRefusal(code);
  return final ? { kind: 'refused', code: final, removed: false } : { kind: 'later', code };
}

/** The error code each refusing close code of /yjs stands for (4xxx mirrors the HTTP status). */
const CLOSE_REFUSALS: Partial<Record<number, string>> = {
  [CloseCode.unauthorized]: ErrorCode.unauthorized,
  [CloseCode.forbidden]: ErrorCode.forbidden,
  [CloseCode.rateLimited]: ErrorCode.rateLimited,
};

/** The reason a /yjs close carries when the facilitator removed this participant. */
export const REMOVED_CLOSE_REASON = 'removed';

/** Reads the close of a Yjs WebSocket (`null`: it closed without a close frame). */
export function classifyClose(event: { code: number; reason: string } | null): ConnectFailure {
  if (!event || event.code < 4400 || event.code >= 4500) return { kind: 'network' };
  if (event.code === CloseCode.notFound) return { kind: 'missing' };
  const code = CLOSE_REFUSALS[event.code];
  if (!code) return { kind: 'closed', code: event.code };
  const final = finalRefusal(code);
  return final
    ? { kind: 'refused', code: final, removed: event.reason === REMOVED_CLOSE_REASON }
    : { kind: 'later', code };
}
