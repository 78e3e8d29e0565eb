// The one place where the services' events are listened to: what each change sets off in the
// caches (vote books, the door's crowd counts), the Yjs rooms, the snapshots and on the wire.
// The workshops service is the only emitter of `workshops.events`, the vote service of
// `votes.events`; the order of the calls under each event is the order they must happen in.
import { CloseCode } from '../shared/closeCodes.js';
import type { Rooms } from './collab/rooms.js';
import type { Door } from './http/door.js';
import type { Broadcasts } from './realtime/broadcasts.js';
import type { SnapshotService } from './services/snapshots.js';
import type { VoteService } from './services/votes.js';
import type { WorkshopService } from './services/workshops.js';

export function wireEvents(deps: {
  workshops: WorkshopService;
  votes: VoteService;
  snapshots: SnapshotService;
  rooms: Rooms;
  door: Door;
  broadcasts: Broadcasts;
  logError: (error: unknown) => void;
}): void {
  const { workshops, votes, snapshots, rooms, door, broadcasts, logError } = deps;
  const events = workshops.events;

  events.on('changed', (workshopId) => broadcasts.recordChanged(workshopId));
  events.on('people', (workshopId, ids) => broadcasts.peopleChanged(workshopId, ids));
  events.on('phase', (workshopId, phase, previous) => {
    snapshots.phaseChanged(workshopId, phase, previous);
    broadcasts.phaseChanged(workshopId).catch(logError);
  });
  events.on('rights', (workshopId) => rooms.resync(workshopId));
  events.on('votes', (workshopId) => {
    // The book first: the dots re-sent next are read from the store again.
    votes.forgetBook(workshopId);
    broadcasts.votesReplaced(workshopId).catch(logError);
  });
  events.on('removed', (workshopId, participantId) => {
    votes.forgetVoter(workshopId, participantId);
    // Their Yjs connections close at once; their token opens none from now on.
    rooms.disconnectPrincipal(workshopId, participantId, CloseCode.forbidden, 'removed');
    broadcasts.participantRemoved(workshopId, participantId);
  });
  events.on('deleted', (workshopId) => {
    votes.forgetBook(workshopId);
    door.crowd.forget(workshopId);
    broadcasts.workshopDeleted(workshopId);
  });

  votes.events.on('returned', (workshopId, returns) => {
    broadcasts.dotsReturned(workshopId, returns).catch(logError);
  });
}
