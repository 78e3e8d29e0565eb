// The one place where the services' events are listened to: what each change sets off in the
// caches (vote books, the door's crowd counts), the Yjs rooms, the snapshots and on the wire.
// The workshops service is the only emitter of `workshops.events`, the vote service of
// `votes.events`; the order of the calls under each event is the order they must happen in.
import { CloseCode } from '../shared/closeCodes.js';
import type { Rooms } from './collab/rooms.js';
import type { Door } from './http/door.js';
import type { Broadcasts } from './realtime/broadcasts.js';
import type { FacilitationService } from './services/facilitation.js';
import type { ModerationService } from './services/moderation.js';
import type { SnapshotService } from './services/snapshots.js';
import type { VoteService } from './services/votes.js';
import type { WorkshopService } from './services/workshops.js';

/** A close that asks the client to come back (as after a restart): its rights are read again. */
const RECONNECT = 1012;

export function wireEvents(deps: {
  workshops: WorkshopService;
  votes: VoteService;
  facilitation: FacilitationService;
  snapshots: SnapshotService;
  rooms: Rooms;
  door: Door;
  broadcasts: Broadcasts;
  moderation: ModerationService;
  logError: (error: unknown) => void;
}): void {
  const { workshops, votes, facilitation, snapshots, rooms, door, broadcasts, logError } = deps;
  const events = workshops.events;

  events.on('changed', (workshopId) => broadcasts.recordChanged(workshopId));
  events.on('people', (workshopId, ids) => broadcasts.peopleChanged(workshopId, ids));
  events.on('phase', (workshopId, phase, previous) => {
    // Before the state that says so goes out: nobody is done in the new phase, nothing is in focus.
    facilitation.phaseChanged(workshopId);
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
    facilitation.forget(workshopId);
    votes.forgetBook(workshopId);
    door.crowd.forget(workshopId);
    broadcasts.workshopDeleted(workshopId);
  });

  // Moderation (issue 16). A blocked or unblocked participant's Yjs connections close and come
  // back under their new rights (write, awareness); their sockets stay.
  events.on('blocked', (workshopId, participantId) => {
    rooms.disconnectPrincipal(workshopId, participantId, RECONNECT, 'rights changed');
  });
  events.on('modes', (workshopId) => {
    const live = workshops.peek(workshopId);
    // Inbox: the projection lets go of the group documents (it is refused them from now on).
    if (live?.record.moderation === 'inbox') {
      rooms.disconnectPrincipal(workshopId, 'viewer', RECONNECT, 'rights changed');
      deps.moderation
        .screenCards(workshopId)
        .then((cards) => broadcasts.screenCards(workshopId, cards))
        .catch(logError);
    }
  });
  events.on('deleted', (workshopId) => deps.moderation.forget(workshopId));
  deps.moderation.events.on('flags', (workshopId, flags) =>
    broadcasts.moderationFlags(workshopId, flags),
  );
  deps.moderation.events.on('screenCards', (workshopId, cards) =>
    broadcasts.screenCards(workshopId, cards),
  );

  votes.events.on('returned', (workshopId, returns) => {
    broadcasts.dotsReturned(workshopId, returns).catch(logError);
  });
}
