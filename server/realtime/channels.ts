// Names of the Socket.IO rooms a socket joins: who hears what. One place, so that a broadcast and
// the join it relies on cannot disagree on a name.
import type { ReaderClass } from './names.js';

export const channel = {
  workshop: (workshopId: string) => `w:${workshopId}`,
  facilitators: (workshopId: string) => `f:${workshopId}`,
  participant: (participantId: string) => `p:${participantId}`,
  /**
   * Sockets that opted in to presence:delta. Facilitators' sockets have rooms of their own: the
   * names they read may differ from the room's (anonymity, issue 16: server/realtime/names.ts).
   */
  deltaPresence: (workshopId: string, reader: ReaderClass = 'room') =>
    reader === 'room' ? `d:${workshopId}` : `fd:${workshopId}`,
  /** Stock sockets: presence changes reach them as a full workshop:state (the contract). */
  statePresence: (workshopId: string, reader: ReaderClass = 'room') =>
    reader === 'room' ? `s:${workshopId}` : `fs:${workshopId}`,
  /** Projection screens (issue 16: the approved cards of inbox moderation). */
  screens: (workshopId: string) => `v:${workshopId}`,
  /** Facilitators and projection screens: they see how many have voted. */
  progress: (workshopId: string) => `g:${workshopId}`,
};
