// Cache announcements between processes: what one process changes in a workshop (its record,
// its people, its votes, a removal, a deletion) it announces; every other process refreshes its
// copy from the database, then tells its own sockets as the one that made the change told its.
// The database stays the truth: an announcement says what to read again, not what the value is
// (the projection's screen, kept in memory only, is the one value carried).
import { z } from 'zod';
import { CloseCode } from '../../shared/closeCodes.js';
import { SCREEN_VIEWS } from '../../shared/schemas.js';
import type { Rooms } from '../collab/rooms.js';
import type { Logger } from '../collab/room.js';
import type { Broadcasts } from '../realtime/broadcasts.js';
import type { VoteService } from '../services/votes.js';
import type { WorkshopService } from '../services/workshops.js';
import type { Store } from '../store/store.js';
import type { AnnouncementStream } from './stream.js';

const id = z.string().min(1).max(64);
const announcement = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('record'),
    workshopId: id,
    screen: z
      .object({ view: z.enum(SCREEN_VIEWS), spotlight: z.string().max(200).nullable() })
      .nullable(),
  }),
  z.object({ kind: z.literal('people'), workshopId: id, participantIds: z.array(id).max(1000) }),
  z.object({ kind: z.literal('votes'), workshopId: id }),
  z.object({ kind: z.literal('cast'), workshopId: id, participantId: id }),
  z.object({
    kind: z.literal('returned'),
    workshopId: id,
    returns: z
      .array(
        z.object({
          participantId: id,
          targetId: z.string().max(200),
          count: z.number().int(),
          title: z.string().max(500).optional(),
        }),
      )
      .max(10_000),
  }),
  z.object({ kind: z.literal('removed'), workshopId: id, participantId: id }),
  z.object({ kind: z.literal('deleted'), workshopId: id }),
]);
export type Announcement = z.infer<typeof announcement>;

export interface Announcements {
  /** Starts reading the other processes' announcements. */
  start(): void;
}

export function createAnnouncements(deps: {
  stream: AnnouncementStream;
  store: Store;
  workshops: WorkshopService;
  votes: VoteService;
  rooms: Rooms;
  broadcasts: Broadcasts;
  log: Logger;
}): Announcements {
  const { stream, store, workshops, votes, rooms, broadcasts, log } = deps;
  /** Set while a remote change is applied here: the events it raises are not announced again. */
  let replaying = false;
  const announce = (message: Announcement) => {
    if (!replaying) stream.append(JSON.stringify(message));
  };
  const logError = (error: unknown) =>
    log.error('applying an announcement failed', { error: String(error) });

  const events = workshops.events;
  events.on('changed', (workshopId) => {
    const screen = workshops.peek(workshopId)?.screen ?? null;
    announce({ kind: 'record', workshopId, screen });
  });
  events.on('people', (workshopId, participantIds) =>
    announce({ kind: 'people', workshopId, participantIds }),
  );
  events.on('votes', (workshopId) => announce({ kind: 'votes', workshopId }));
  events.on('removed', (workshopId, participantId) =>
    announce({ kind: 'removed', workshopId, participantId }),
  );
  events.on('deleted', (workshopId) => announce({ kind: 'deleted', workshopId }));
  votes.events.on('returned', (workshopId, returns) =>
    announce({ kind: 'returned', workshopId, returns }),
  );
  votes.events.on('cast', (workshopId, participantId) =>
    announce({ kind: 'cast', workshopId, participantId }),
  );

  /** Refreshes run in order per workshop: an older read never lands after a newer one. */
  const chains = new Map<string, Promise<void>>();
  function inOrder(workshopId: string, task: () => Promise<void>): void {
    const next = (chains.get(workshopId) ?? Promise.resolve()).then(task).catch(logError);
    chains.set(workshopId, next);
    void next.finally(() => {
      if (chains.get(workshopId) === next) chains.delete(workshopId);
    });
  }

  /** Reads the record, groups and people again into the cached workshop (in place: never uncached). */
  async function refresh(workshopId: string) {
    const live = workshops.peek(workshopId);
    if (!live) return null;
    const [record, groups, people] = await Promise.all([
      store.workshopById(workshopId),
      store.groups(workshopId),
      store.participants(workshopId),
    ]);
    if (!record) return null;
    const before = {
      record: live.record,
      groups: new Map([...live.participants.values()].map((p) => [p.id, p.groupId])),
    };
    live.record = record;
    live.groups = groups;
    live.participants = new Map(people.map((p) => [p.id, p]));
    return { live, before };
  }

  function apply(message: Announcement): void {
    const { workshopId } = message;
    // Nothing of a workshop this process does not hold needs refreshing: it is read on first use.
    if (message.kind !== 'deleted' && !workshops.peek(workshopId)) return;
    switch (message.kind) {
      case 'record':
        return inOrder(workshopId, async () => {
          const done = await refresh(workshopId);
          if (!done) return;
          const { live, before } = done;
          if (message.screen) live.screen = message.screen;
          broadcasts.recordChanged(workshopId);
          const r = live.record;
          const b = before.record;
          if (r.phase !== b.phase) await broadcasts.phaseChanged(workshopId);
          if (
            r.phase !== b.phase ||
            r.timerEndsAt !== b.timerEndsAt ||
            r.timerFreeze !== b.timerFreeze
          )
            rooms.resync(workshopId);
          if (r.votesRevealed !== b.votesRevealed && r.votesRevealed)
            await broadcasts.sendTallies(workshopId);
        });
      case 'people':
        return inOrder(workshopId, async () => {
          const done = await refresh(workshopId);
          if (!done) return;
          broadcasts.peopleChanged(workshopId, message.participantIds);
          // A move changes write rights; a join does not.
          const moved = message.participantIds.some(
            (p) =>
              done.before.groups.has(p) &&
              done.before.groups.get(p) !== done.live.participants.get(p)?.groupId,
          );
          if (moved) rooms.resync(workshopId);
        });
      case 'votes':
        return inOrder(workshopId, async () => {
          votes.forgetBook(workshopId);
          await broadcasts.votesReplaced(workshopId);
        });
      case 'cast':
        return inOrder(workshopId, async () => {
          // The book is read again: the other process's cast is in the store, not in it.
          votes.forgetBook(workshopId);
          broadcasts.voteCast(
            workshopId,
            message.participantId,
            await votes.mine(workshopId, message.participantId),
          );
        });
      case 'returned':
        return inOrder(workshopId, async () => {
          votes.forgetBook(workshopId);
          await broadcasts.dotsReturned(workshopId, message.returns);
        });
      case 'removed':
        return inOrder(workshopId, async () => {
          await refresh(workshopId);
          votes.forgetVoter(workshopId, message.participantId);
          rooms.disconnectPrincipal(
            workshopId,
            message.participantId,
            CloseCode.forbidden,
            'removed',
          );
          broadcasts.participantRemoved(workshopId, message.participantId);
          broadcasts.recordChanged(workshopId);
        });
      case 'deleted':
        return inOrder(workshopId, async () => {
          replaying = true;
          try {
            // Its code, tokens and keys are refused here too; listeners let go of it.
            workshops.markDeleted(workshopId);
          } finally {
            replaying = false;
          }
          await rooms.purge(workshopId);
        });
    }
  }

  return {
    start() {
      stream.start((raw) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          return;
        }
        const message = announcement.safeParse(parsed);
        if (message.success) apply(message.data);
        else log.error('an announcement was not understood', { raw: raw.slice(0, 200) });
      });
    },
  };
}
