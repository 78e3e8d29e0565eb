// WebSocket close codes of the /yjs endpoint. 4xxx mirrors the HTTP status it stands for.
export const CloseCode = {
  /** The message could not be decoded; only this connection is closed. */
  badMessage: 4400,
  /** The document reached its size limit (LIMITS.documentBytes); this writer is closed. */
  tooLarge: 4413,
  /** No token, or a token that matches nothing. */
  unauthorized: 4401,
  /** A valid token that may not open this document (another workshop's token). */
  forbidden: 4403,
  /** The workshop or document does not exist. */
  notFound: 4404,
  /** Too many refused tokens from this address: try again later (a few minutes). */
  rateLimited: 4429,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
