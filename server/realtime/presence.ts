// Who is online: open sockets counted per participant. A participant is online while they hold
// one socket; only the first to open and the last to close change what others see.
import type { ParticipantPresence } from '../../shared/protocol.js';

export interface Presence {
  /** Counts a socket opening; true when the participant just came online (their first socket). */
  opened(participantId: string): boolean;
  /** Counts a socket closing; true when the participant just went offline (their last socket). */
  closed(participantId: string): boolean;
  /** Forgets a participant (removed from the workshop): they are offline whatever stays open. */
  forget(participantId: string): void;
  isOnline(participantId: string): boolean;
  /** The participant's entry in workshop:state and presence:delta. */
  entryOf(p: { id: string; name: string; groupId: string }): ParticipantPresence;
}

export function createPresence(): Presence {
  /** Open sockets per participant; absent means none. */
  const open = new Map<string, number>();
  const isOnline = (participantId: string) => (open.get(participantId) ?? 0) > 0;
  return {
    opened(participantId) {
      const before = open.get(participantId) ?? 0;
      open.set(participantId, before + 1);
      return before === 0;
    },
    closed(participantId) {
      const left = (open.get(participantId) ?? 1) - 1;
      if (left > 0) {
        open.set(participantId, left);
        return false;
      }
      open.delete(participantId);
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
