// Size limits, checked at every boundary (HTTP bodies, socket payloads, Yjs messages, the UI).
export const LIMITS = {
  workshopTitle: 120,
  groupName: 60,
  groupPrompt: 300,
  groupsPerWorkshop: 50,
  participantName: 60,
  recommendationTitle: 160,
  recommendationBody: 2000,
  voteBudgetMax: 99,
  snapshotLabel: 120,
  timerSecondsMax: 4 * 60 * 60,
  /** Largest HTTP JSON body, in bytes. */
  httpBodyBytes: 256 * 1024,
  /** Largest single WebSocket or Socket.IO message, in bytes. */
  messageBytes: 1024 * 1024,
  /**
   * Largest Yjs document in the store (state + log), in bytes: about a thousand long
   * recommendations with their whole editing history; past it, writes are refused.
   */
  documentBytes: 8 * 1024 * 1024,
} as const;
