// Deleting a workshop and everything in it: by the facilitator or organiser (contract 1.1:
// DELETE /api/workshops/:workshopId), or by retention once it has been closed, or left untouched,
// for longer than the organisation keeps workshops. The order matters: the workshop is unknown
// first (no new connection, no token accepted), then every connection and cache lets go (no
// room writes after), then the store deletes the rows and leaves no copy in the file.
import type { Logger } from '../collab/rooms.js';
import type { Store } from '../store/store.js';
import type { WorkshopService } from './workshops.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often retention looks for expired workshops. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export interface WorkshopDeletion {
  /** Deletes one workshop; throws not_found if there is none. */
  deleteWorkshop(workshopId: string): Promise<void>;
  /** Deletes the workshops retention has expired at `now`; returns their ids. */
  sweep(now?: number): Promise<string[]>;
  /** Sweeps now and then every hour (when retention is on), until `stop`. */
  start(): void;
  stop(): void;
}

export function createWorkshopDeletion(deps: {
  store: Store;
  workshops: WorkshopService;
  rooms: { purge(workshopId: string): Promise<void> };
  log: Logger;
  /** Days a closed workshop is kept after its last change; 0 keeps workshops for ever. */
  retentionDays: number;
}): WorkshopDeletion {
  const { store, workshops, rooms, log, retentionDays } = deps;
  let timer: NodeJS.Timeout | null = null;

  async function deleteWorkshop(workshopId: string): Promise<void> {
    await workshops.live(workshopId);
    workshops.markDeleted(workshopId);
    await rooms.purge(workshopId);
    await store.deleteWorkshop(workshopId);
  }

  async function sweep(now = Date.now()): Promise<string[]> {
    if (retentionDays <= 0) return [];
    // Closed workshops go after the retention; ones never closed (a demo, a rehearsal) after
    // twice as long without any change.
    const expired = await store.expiredWorkshops({
      closedBefore: now - retentionDays * DAY_MS,
      untouchedBefore: now - 2 * retentionDays * DAY_MS,
    });
    for (const workshopId of expired) {
      try {
        await deleteWorkshop(workshopId);
        log.info('workshop deleted by retention', { workshopId });
      } catch (error) {
        log.error('retention could not delete a workshop', { workshopId, error: String(error) });
      }
    }
    return expired;
  }

  return {
    deleteWorkshop,
    sweep,
    start() {
      if (retentionDays <= 0 || timer) return;
      const run = () =>
        void sweep().catch((error: unknown) =>
          log.error('retention sweep failed', { error: String(error) }),
        );
      run();
      timer = setInterval(run, SWEEP_EVERY_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
