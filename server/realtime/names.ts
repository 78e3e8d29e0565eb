// Whose names each reader of workshop:state and presence:delta gets (issue 16). Two reader
// classes, so that a broadcast costs two encodings, not one per person: the facilitators (real
// names unless the workshop hides them from everyone; who is blocked) and the room (participants
// and the projection: pseudonyms unless the workshop is `named`). A participant's own client
// learns its own name from workshop:whoami.
import { nameFor, type Reader } from '../../shared/anonymity.js';
import type { ParticipantPresence } from '../../shared/protocol.js';
import type { ParticipantRecord } from '../store/store.js';
import type { LiveWorkshop } from '../services/workshops.js';

export type ReaderClass = 'facilitator' | 'room';

/** The reader `nameFor` is asked about: a room reader is nobody's self, as the projection is. */
const READERS: Record<ReaderClass, Reader> = {
  facilitator: { role: 'facilitator' },
  room: { role: 'screen' },
};

/** A participant's entry for one reader class, from the entry presence built. */
export function entryFor(
  live: LiveWorkshop,
  participant: ParticipantRecord,
  entry: ParticipantPresence,
  reader: ReaderClass,
): ParticipantPresence {
  const name = nameFor(
    live.record.anonymity ?? 'named',
    READERS[reader],
    { id: participant.id, name: participant.name, ordinal: participant.ordinal ?? 0 },
    live.record.language,
  );
  return {
    ...entry,
    name,
    ...(reader === 'facilitator' && participant.blocked === true ? { blocked: true } : {}),
  };
}
