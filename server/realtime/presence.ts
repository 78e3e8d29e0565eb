// Who is online: open sockets counted per participant. A participant is online while they hold
// one socket; only the first to open and the last to close change what others see. With several
// processes, a participant is also online through another process's sockets (server/scale/online.ts).
import type { ParticipantPresence } from '../../shared/protocol.js';

/** Who is online through the other processes' sockets, and what this process tells them. */
export interface PeerPresence {
  isOnline(participantId: string): boolean;
  /** This process's first socket of a participant opened (true), or its last one closed (false). */
  changed(workshopId: string, participantId: string, online: boolean): void;
}

export interface Presence {
  /** Counts a socket opening; true when the participant just came online here (their first socket). */
  opened(participantId: string, workshopId: string): boolean;
  /** Counts a socket closing; true when the participant just went offline here (their last socket). */
  closed(participantId: string, workshopId: string): boolean;
  /** Forgets a participant (removed from the workshop): they are offline whatever stays open. */
  forget(participantId: string): void;
  isOnline(participantId: string): boolean;
  /** The participant's entry in workshop:state and presence:delta. */
  entryOf(p: { id: string; name: string; groupId: string }): ParticipantPresence;
}

export function createPresence(peers?: PeerPresence): Presence {
  /** Open sockets per participant; absent means none. */
  const open = new Map<string, number>();
  const isOnline = (participantId: string) =>
    (open.get(participantId) ?? 0) > 0 || (peers?.isOnline(participantId) ?? false);
  return {
    opened(participantId, workshopId) {
      const before = open.get(participantId) ?? 0;
      open.set(participantId, before + 1);
      if (before === 0) peers?.changed(workshopId, participantId, true);
      return before === 0;
    },
    closed(participantId, workshopId) {
      const left = (open.get(participantId) ?? 1) - 1;
      if (left > 0) {
        open.set(participantId, left);
        return false;
      }
      open.delete(participantId);
      peers?.changed(workshopId, participantId, false);
      return true;
    },
    forget(participantId) {
      open.delete(participantId);
    },
    isOnline,
    entryOf(p) {
      return { participantId: p.id, name: p.name, groupId: p.groupId, online: isOnline(p.id) };
    },
  };
}
