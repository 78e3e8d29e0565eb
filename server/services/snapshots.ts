// Snapshots: the whole board saved under a label, by hand or at each phase change; listed,
// read, compared, restored onto the live board, or forked into a new workshop.
import type { SnapshotKind, SnapshotSummary } from '../../shared/api.js';
import { compareBoards, type BoardComparison } from '../../shared/compare.js';
import { ErrorCode } from '../../shared/errors.js';
import { exportSchema, type BoardExport } from '../../shared/export.js';
import { generateId } from '../../shared/ids.js';
import type { Phase } from '../../shared/phases.js';
import { reportWords } from '../../shared/report.js';
import type { CreateWorkshopResult, Language } from '../../shared/schemas.js';
import type { Logger } from '../collab/rooms.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/store.js';
import { fitExport, type BoardService } from './board.js';
import type { WorkshopService } from './workshops.js';

export interface SnapshotService {
  save(workshopId: string, label: string, kind?: SnapshotKind): Promise<SnapshotSummary>;
  list(workshopId: string): Promise<SnapshotSummary[]>;
  get(workshopId: string, snapshotId: string): Promise<BoardExport>;
  /** The live board becomes the snapshot's; the board as it was is saved first, so a restore can be undone. */
  restore(workshopId: string, snapshotId: string): Promise<SnapshotSummary>;
  compare(workshopId: string, from: string, to: string | 'now'): Promise<BoardComparison>;
  fork(workshopId: string, snapshotId: string): Promise<CreateWorkshopResult>;
  /** The phase changed: the board as it stands is saved (not when a restore changed it). */
  phaseChanged(workshopId: string, phase: Phase, previous: Phase): void;
}

export function createSnapshotService(deps: {
  store: Store;
  workshops: WorkshopService;
  board: BoardService;
  log: Logger;
  now?: () => number;
}): SnapshotService {
  const { store, workshops, board, log } = deps;
  const now = deps.now ?? Date.now;
  /** Workshops being restored: their phase change is the restore's, not worth a snapshot of its own. */
  const restoring = new Set<string>();

  async function save(workshopId: string, label: string, kind: 'manual' | 'auto' = 'manual') {
    const data = await board.read(workshopId);
    const snapshot = {
      id: generateId(),
      workshopId,
      label,
      kind,
      createdAt: now(),
      data: JSON.stringify(data),
    };
    await store.saveSnapshot(snapshot);
    return { snapshotId: snapshot.id, label, createdAt: snapshot.createdAt, kind };
  }

  async function get(workshopId: string, snapshotId: string): Promise<BoardExport> {
    await workshops.live(workshopId);
    const record = await store.getSnapshot(workshopId, snapshotId);
    if (!record) throw new AppError(ErrorCode.notFound, 'This workshop has no such snapshot.');
    // Fitted first: a snapshot saved before the limits were enforced may hold longer texts.
    return exportSchema.parse(fitExport(JSON.parse(record.data)));
  }

  return {
    save,
    get,

    phaseChanged(workshopId, phase, previous) {
      if (restoring.has(workshopId)) return;
      void (async () => {
        const live = await workshops.live(workshopId);
        const words = reportWords(live.record.language).phases;
        await save(workshopId, `${words[previous]} → ${words[phase]}`, 'auto');
      })().catch((error: unknown) =>
        log.error('automatic snapshot failed', { workshopId, error: String(error) }),
      );
    },

    async list(workshopId) {
      await workshops.live(workshopId);
      return (await store.listSnapshots(workshopId)).map((s) => ({
        snapshotId: s.id,
        label: s.label,
        createdAt: s.createdAt,
        kind: s.kind,
      }));
    },

    async restore(workshopId, snapshotId) {
      const target = await get(workshopId, snapshotId);
      const record = (await store.getSnapshot(workshopId, snapshotId))!;
      const live = await workshops.live(workshopId);
      const label = restoreLabel(record.label, live.record.language);
      const before = await save(workshopId, label, 'auto');
      restoring.add(workshopId);
      try {
        await board.restore(workshopId, target);
      } finally {
        restoring.delete(workshopId);
      }
      return before;
    },

    async compare(workshopId, from, to) {
      const before = await get(workshopId, from);
      const after = to === 'now' ? await board.read(workshopId) : await get(workshopId, to);
      return compareBoards(before, after);
    },

    async fork(workshopId, snapshotId) {
      return board.importBoard(await get(workshopId, snapshotId));
    },
  };
}

/** The longest snapshot label the service writes (the same cut as before). */
const LABEL_MAX = 120;
const BEFORE_RESTORE = [
  /^Avant (?:la restauration|l’annulation de la restauration) de « (.*) »$/s,
  /^Before (?:restoring|undoing the restore of) “(.*)”$/s,
];

/**
 * The label of the snapshot saved before a restore. Restoring a "before restoring « X »" snapshot
 * is undoing that restore: it says so, about X itself, instead of nesting ("Avant la restauration
 * de « Avant la restauration de « X » »"), however many times it goes back and forth.
 */
export function restoreLabel(restored: string, language: Language): string {
  let core = restored;
  let undo = false;
  for (;;) {
    const match = BEFORE_RESTORE.map((re) => re.exec(core)).find((m) => m);
    if (!match) break;
    core = match[1]!;
    undo = true;
  }
  const cut = (text: string, room: number) =>
    text.length > room ? `${text.slice(0, room - 1)}…` : text;
  if (language === 'fr') {
    const prefix = undo
      ? 'Avant l’annulation de la restauration de « '
      : 'Avant la restauration de « ';
    return `${prefix}${cut(core, LABEL_MAX - prefix.length - 2)} »`;
  }
  const prefix = undo ? 'Before undoing the restore of “' : 'Before restoring “';
  return `${prefix}${cut(core, LABEL_MAX - prefix.length - 1)}”`;
}
