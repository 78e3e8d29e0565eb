// Size limits, checked at every boundary (HTTP bodies, socket payloads, Yjs messages, the UI).
export const LIMITS = {
  workshopTitle: 120,
  groupName: 60,
  groupPrompt: 300,
  groupsPerWorkshop: 50,
  participantName: 60,
  recommendationTitle: 160,
  recommendationBody: 2000,
  /** Ids of recommendations and items (the keys of the documents' maps) and author ids. */
  entryId: 64,
  /** Recommendations in one group's document, items in the plenary. */
  entriesPerDocument: 2000,
  /** Recommendations merged into one plenary item, and the length of each reference. */
  sourcesPerItem: 500,
  sourceId: 200,
  voteBudgetMax: 99,
  snapshotLabel: 120,
  /** The information notice shown at join time (personal data), in characters. */
  notice: 2000,
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
  /**
   * Updates a document holds without their dependencies (waiting for an earlier update), in
   * bytes. An honest client fills the gap at its next sync; past this, the sender is closed.
   */
  pendingBytes: 256 * 1024,
  /** One awareness state (who someone is, which card they edit), as JSON text. */
  awarenessStateBytes: 2 * 1024,
  /** Awareness client ids one connection may announce (one per tab's document, a few to spare). */
  awarenessClientsPerConnection: 4,
} as const;
