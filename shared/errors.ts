// Error codes shared by the HTTP API, Socket.IO acks and the client. One code per failure a
// caller can act on; the human message travels beside it.
export const ErrorCode = {
  invalidPayload: 'invalid_payload',
  notFound: 'not_found',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  votingClosed: 'voting_closed',
  budgetExhausted: 'budget_exhausted',
  joiningLocked: 'joining_locked',
  payloadTooLarge: 'payload_too_large',
  /** Too many requests from this address or connection; Retry-After says when to come back. */
  rateLimited: 'rate_limited',
  /** The workshop holds MAX_PARTICIPANTS participants already. */
  workshopFull: 'workshop_full',
  internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}
