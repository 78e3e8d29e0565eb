// Presence deltas (an extension of workshop:state): how a client that opted in merges the
// `presence:delta` upserts into the last full state it holds. Pure, shared by every client bridge.
import type { ParticipantPresence, PresenceDelta, WorkshopState } from './protocol.js';

/**
 * The state with each participant of the delta upserted by participantId: an entry already known
 * is replaced where it stands (the list keeps the server's order), a new one is appended. Returns a
 * new state and a new participants array, so rune bridges see the change; the input is not touched.
 */
export function applyPresenceDelta(state: WorkshopState, delta: PresenceDelta): WorkshopState {
  if (delta.participants.length === 0) return state;
  const changed = new Map<string, ParticipantPresence>();
  for (const entry of delta.participants) changed.set(entry.participantId, entry);
  const participants = state.participants.map((p) => {
    const next = changed.get(p.participantId);
    if (!next) return p;
    changed.delete(p.participantId);
    return { ...next };
  });
  for (const entry of changed.values()) participants.push({ ...entry });
  return { ...state, participants };
}
