// Names of the Socket.IO rooms a socket joins: who hears what. One place, so that a broadcast and
// the join it relies on cannot disagree on a name.
export const channel = {
  workshop: (workshopId: string) => `w:${workshopId}`,
  facilitators: (workshopId: string) => `f:${workshopId}`,
  participant: (participantId: string) => `p:${participantId}`,
  /** Sockets that opted in to presence:delta. */
  deltaPresence: (workshopId: string) => `d:${workshopId}`,
  /** Stock sockets: presence changes reach them as a full workshop:state (the contract). */
  statePresence: (workshopId: string) => `s:${workshopId}`,
  /** Facilitators and projection screens: they see how many have voted. */
  progress: (workshopId: string) => `g:${workshopId}`,
};
