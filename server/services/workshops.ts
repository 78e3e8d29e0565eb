// Workshops, their groups and participants: creation, joining, authentication, and the live
// settings the facilitator changes (phase, timer, reveal, locks, moves). Keeps each loaded
// workshop in memory so that the hot paths (every Yjs message asks "may this client write?")
// never wait on storage; every change goes to the store first, then to the cache.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ErrorCode } from '../../shared/errors.js';
import {
  generateCode,
  generateId,
  generateSecret,
  normalizeCode,
  type DocRef,
} from '../../shared/ids.js';
import type { Phase } from '../../shared/phases.js';
import type { ScreenState } from '../../shared/protocol.js';
import type {
  CreateWorkshopResult,
  GroupInfo,
  RoundsInfo,
  JoinResult,
  WorkshopInfo,
} from '../../shared/schemas.js';
import type { createWorkshopBody, joinBody } from '../../shared/schemas.js';
import type { z } from 'zod';
import { DEFAULT_STEPS, type TemplateStep } from '../../shared/templates.js';
import { AppError } from '../errors.js';
import type {
  GroupRecord,
  ParticipantRecord,
  Store,
  WorkshopPatch,
  WorkshopRecord,
} from '../store/store.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { hashSecret } from './secrets.js';

export type Principal =
  | { role: 'facilitator'; workshopId: string }
  /** The projection screen: reads everything a participant reads, writes nothing, never votes. */
  | { role: 'viewer'; workshopId: string }
  | { role: 'participant'; workshopId: string; participantId: string };

/** A workshop as held in memory while the process serves it. */
export interface LiveWorkshop {
  record: WorkshopRecord;
  groups: GroupRecord[];
  participants: Map<string, ParticipantRecord>;
  /** What the projection shows (kept in memory only: after a restart, the board and no spotlight). */
  screen?: ScreenState;
}

export interface WorkshopEvents {
  /** The workshop record changed (phase, timer, reveal, locks): workshop:state must be re-sent. */
  changed: [workshopId: string];
  /**
   * These participants changed (joined, or moved to another group): their entries in
   * workshop:state are new. Kept apart from `changed` so that presence can travel as deltas.
   */
  people: [workshopId: string, participantIds: string[]];
  /** The phase changed; votes and write rights depend on it. */
  phase: [workshopId: string, phase: Phase, previous: Phase];
  /** Votes changed other than by a cast (restore): tallies and everyone's dots must be re-sent. */
  votes: [workshopId: string];
  /** Write rights may have changed (phase, timer, a move): documents should resync their clients. */
  rights: [workshopId: string];
  /** The workshop is being deleted: every connection to it ends, every cache of it goes. */
  deleted: [workshopId: string];
  /**
   * The facilitator removed this participant: their row and dots are gone from the store, and
   * every connection they hold must close now (their token is refused from here on).
   */
  removed: [workshopId: string, participantId: string];
  /** The facilitator blocked or unblocked this participant: their open connections are re-evaluated. */
  blocked: [workshopId: string, participantId: string, blocked: boolean];
  /** The anonymity or moderation mode changed: names and the projection's documents follow. */
  modes: [workshopId: string];
}

export interface WorkshopService {
  /**
   * What changed, for the caches and the wire. Emitted by this service only; listened to in one
   * place, server/events.ts, which says what each event sets off.
   */
  readonly events: EventEmitter<WorkshopEvents>;
  /**
   * A new workshop. `alsoWrite` adds rows that must exist with it or not at all (an import's
   * participants and votes): one unit of work with the workshop's own rows.
   */
  create(
    input: z.output<typeof createWorkshopBody>,
    options?: {
      alsoWrite?: (tx: UnitOfWork, created: CreateWorkshopResult) => void;
      /** The phases and their default durations, from the template it is created from (issue 16). */
      steps?: TemplateStep[];
    },
  ): Promise<CreateWorkshopResult>;
  infoByCode(code: string): Promise<WorkshopFacts>;
  join(code: string, input: z.output<typeof joinBody>): Promise<JoinResult>;
  /** Resolves a bearer secret (facilitator key or participant token); throws unauthorized. */
  authenticate(secret: string | undefined): Promise<Principal>;
  /** The workshop held in memory (loaded on first use); throws not_found. */
  live(workshopId: string): Promise<LiveWorkshop>;
  /**
   * From now on the workshop is unknown (its code, tokens and keys answer as if it never
   * existed), and `deleted` is announced so that connections end and caches let go; the store
   * deletion follows (see deletion.ts).
   */
  markDeleted(workshopId: string): void;
  /** The cached workshop, if loaded: for synchronous checks on hot paths. */
  peek(workshopId: string): LiveWorkshop | undefined;
  /**
   * Patches the workshop and announces it. `alsoWrite` adds rows written in the same unit of work
   * as the patch (a restore's votes with its phase): both land, or neither.
   */
  update(
    workshopId: string,
    patch: WorkshopPatch,
    options?: { alsoWrite?: (tx: UnitOfWork) => void },
  ): Promise<LiveWorkshop>;
  /**
   * Groups were re-formed (a new round, issue 17): the state, everyone's entry and write rights
   * are new. Call after `reload`.
   */
  regrouped(workshopId: string): void;
  /** Drops the cached copy so the next use reads the store (after writes made around the service). */
  reload(workshopId: string): Promise<LiveWorkshop>;
  moveParticipant(workshopId: string, participantId: string, groupId: string): Promise<void>;
  /** Removes a participant and their dots (their cards stay); throws not_found. */
  removeParticipant(workshopId: string, participantId: string): Promise<void>;
  /** Blocks or unblocks a participant (issue 16); `blocked` is announced; throws not_found. */
  setBlocked(workshopId: string, participantId: string, blocked: boolean): Promise<void>;
  /** Votes were written around the cast path (restore): announced, so books and clients catch up. */
  votesReplaced(workshopId: string): void;
  /** Changes what the projection shows; workshop:state carries it. */
  setScreen(workshopId: string, patch: Partial<ScreenState>): Promise<ScreenState>;
  /**
   * The read-only key of the projection screen, derived from the facilitator key: asking again
   * gives the same key, so a second console tab never cuts off a screen already showing.
   */
  screenKey(workshopId: string, facilitatorKey: string): Promise<string>;
}

/** What the workshop itself knows of its public description (the HTTP layer adds the rest). */
export type WorkshopFacts = Omit<WorkshopInfo, 'joinUrl' | 'retentionDays'>;

export function info(live: LiveWorkshop): WorkshopFacts {
  const r = live.record;
  return {
    workshopId: r.id,
    code: r.code,
    title: r.title,
    phase: r.phase,
    voteBudget: r.voteBudget,
    language: r.language,
    groupChoiceLocked: r.groupChoiceLocked,
    joiningLocked: r.joiningLocked,
    groups: activeGroups(live).map(groupInfo),
    ...roundsInfo(live),
    notice: r.notice ?? null,
    anonymity: r.anonymity ?? 'named',
    steps: (r.steps ?? DEFAULT_STEPS).map(({ phase, minutes }) => ({ phase, minutes })),
  };
}

export function groupInfo(group: GroupRecord): GroupInfo {
  return {
    id: group.id,
    name: group.name,
    prompt: group.prompt,
    ...(group.round !== undefined && group.round > 1 ? { round: group.round } : {}),
    ...(group.parents && group.parents.length > 0 ? { parents: group.parents } : {}),
    ...(group.hostId ? { hostId: group.hostId } : {}),
  };
}

/** The groups people sit in now: those not retired by a later round (issue 17). */
export function activeGroups(live: LiveWorkshop): GroupRecord[] {
  return live.groups.filter((group) => (group.retiredRound ?? null) === null);
}

/** The current round and the groups of earlier rounds, as states and look-ups carry them. */
export function roundsInfo(live: LiveWorkshop): RoundsInfo {
  return {
    round: live.record.round ?? 1,
    pastGroups: live.groups
      .filter((group) => (group.retiredRound ?? null) !== null)
      .map((group) => ({ ...groupInfo(group), round: group.round ?? 1 })),
  };
}

/**
 * May this principal change this document right now? The contract's write rights: a group's
 * members and the facilitator write its group document, only the facilitator writes the plenary,
 * and nobody writes anything while the workshop is `closed`. While the room votes (1.1), the
 * cards voted on hold still for participants: the group documents in `vote` (in `prioritise`, the
 * plenary, which is the facilitator's anyway), so nobody rewrites or deletes what the dots went to.
 */
export function canWrite(
  live: LiveWorkshop,
  principal: Principal,
  doc: DocRef,
  now = Date.now(),
): boolean {
  if (live.record.phase === 'closed') return false;
  if (principal.role === 'facilitator') return true;
  if (principal.role === 'viewer' || doc.kind === 'plenary') return false;
  if (writingFrozen(live.record, now)) return false;
  if (live.record.phase === 'vote') return false;
  // Blocked by the facilitator (issue 16): reads like a viewer, writes nothing.
  if (live.participants.get(principal.participantId)?.blocked === true) return false;
  // Private writing (issue 16): participants write in their drafts until the reveal.
  if (live.record.privateWriting === true) return false;
  // Rounds (issue 17): a group of an earlier round keeps its board, read-only.
  if (live.groups.find((g) => g.id === doc.groupId)?.retiredRound != null) return false;
  return live.participants.get(principal.participantId)?.groupId === doc.groupId;
}

/** The screen key: a one-way function of the facilitator key (knowing it reveals nothing of the key). */
export function deriveScreenKey(facilitatorKey: string): string {
  return createHash('sha256')
    .update(`atelier:screen:${facilitatorKey}`, 'utf8')
    .digest('base64url')
    .slice(0, 32);
}

/** A timer started with "freeze at zero" has run out: participants' writing is paused. */
export function writingFrozen(record: WorkshopRecord, now: number): boolean {
  return record.timerFreeze && record.timerEndsAt !== null && now >= record.timerEndsAt;
}

export function createWorkshopService(deps: { store: Store; now?: () => number }): WorkshopService {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const events = new EventEmitter<WorkshopEvents>();
  const cache = new Map<string, LiveWorkshop>();
  // Loads in flight, so that concurrent first uses share one read.
  const loading = new Map<string, Promise<LiveWorkshop>>();

  /** Workshops deleted (or being deleted) by this process: never loaded again. */
  const deleted = new Set<string>();

  async function live(workshopId: string): Promise<LiveWorkshop> {
    if (deleted.has(workshopId)) throw new AppError(ErrorCode.notFound, 'Unknown workshop.');
    const cached = cache.get(workshopId);
    if (cached) return cached;
    let pending = loading.get(workshopId);
    if (!pending) {
      pending = (async () => {
        const record = await store.workshopById(workshopId);
        if (!record) throw new AppError(ErrorCode.notFound, 'Unknown workshop.');
        const [groups, participants] = await Promise.all([
          store.groups(workshopId),
          store.participants(workshopId),
        ]);
        const loaded: LiveWorkshop = {
          record,
          groups,
          participants: new Map(participants.map((p) => [p.id, p])),
        };
        cache.set(workshopId, loaded);
        return loaded;
      })().finally(() => loading.delete(workshopId));
      loading.set(workshopId, pending);
    }
    return pending;
  }

  async function liveByCode(rawCode: string): Promise<LiveWorkshop> {
    const record = await store.workshopByCode(normalizeCode(rawCode));
    if (!record) throw new AppError(ErrorCode.notFound, `No workshop has the code "${rawCode}".`);
    return live(record.id);
  }

  /** Round-robin: the group with the fewest members, earliest group first on ties. */
  function leastFilledGroup(w: LiveWorkshop): GroupRecord {
    const groups = activeGroups(w);
    const counts = new Map(groups.map((g) => [g.id, 0]));
    for (const p of w.participants.values())
      if (counts.has(p.groupId)) counts.set(p.groupId, counts.get(p.groupId)! + 1);
    let best = groups[0]!;
    for (const g of groups) if (counts.get(g.id)! < counts.get(best.id)!) best = g;
    return best;
  }

  return {
    events,
    live,
    peek: (workshopId) => cache.get(workshopId),

    markDeleted(workshopId) {
      deleted.add(workshopId);
      cache.delete(workshopId);
      events.emit('deleted', workshopId);
    },

    async create(input, options = {}) {
      const facilitatorKey = generateSecret();
      const workshopId = generateId();
      const record: WorkshopRecord = {
        id: workshopId,
        code: generateCode(),
        title: input.title,
        language: input.language,
        voteBudget: input.voteBudget,
        phase: 'lobby',
        timerEndsAt: null,
        timerFreeze: false,
        votesRevealed: false,
        groupChoiceLocked: false,
        joiningLocked: false,
        facilitatorKeyHash: hashSecret(facilitatorKey),
        screenKeyHash: null,
        createdAt: now(),
        ...(input.notice ? { notice: input.notice } : {}),
        anonymity: input.anonymity ?? 'named',
        moderation: input.moderation ?? 'open',
        ...(options.steps ? { steps: options.steps } : {}),
      };
      const groups = input.groups.map((group, position) => ({
        id: generateId(),
        workshopId,
        name: typeof group === 'string' ? group : group.name,
        prompt: typeof group === 'string' ? '' : group.prompt,
        position,
      }));
      // A code collision is astronomically rare at our scale (25^6 ≈ 244 million), but another
      // draw is cheap: the store says `code_taken` and wrote nothing.
      for (let attempt = 0; ; attempt++) {
        const created = {
          workshopId,
          code: record.code,
          facilitatorKey,
          groups: groups.map(groupInfo),
        };
        const outcome = await store.transaction((tx) => {
          tx.createWorkshop(record, groups);
          options.alsoWrite?.(tx, created);
        });
        if (outcome.ok) return created;
        if (attempt >= 5) throw new Error('no free workshop code after 6 draws');
        record.code = generateCode();
      }
    },

    async infoByCode(code) {
      return info(await liveByCode(code));
    },

    async join(code, input) {
      const w = await liveByCode(code);
      if (w.record.joiningLocked) {
        throw new AppError(
          ErrorCode.joiningLocked,
          'The facilitator has closed this workshop to new participants.',
        );
      }
      let group: GroupRecord | undefined;
      if (input.groupId !== undefined && !w.record.groupChoiceLocked) {
        group = activeGroups(w).find((g) => g.id === input.groupId);
        if (!group)
          throw new AppError(
            ErrorCode.invalidPayload,
            'groupId: no such group in this workshop.',
            'groupId',
          );
      }
      group ??= leastFilledGroup(w);
      const token = generateSecret();
      const participant: ParticipantRecord = {
        id: generateId(),
        workshopId: w.record.id,
        groupId: group.id,
        name: input.name,
        tokenHash: hashSecret(token),
        createdAt: now(),
      };
      await store.addParticipant(participant);
      // Read back for the ordinal the store gave (the workshop's join counter: never reused).
      const stored = await store.participantByTokenHash(participant.tokenHash);
      w.participants.set(participant.id, stored ?? participant);
      events.emit('people', w.record.id, [participant.id]);
      return { participantId: participant.id, token, groupId: group.id };
    },

    async authenticate(secret) {
      if (!secret) throw new AppError(ErrorCode.unauthorized, 'A token is required.');
      const hash = hashSecret(secret);
      const participant = await store.participantByTokenHash(hash);
      if (participant) {
        await live(participant.workshopId);
        return {
          role: 'participant',
          workshopId: participant.workshopId,
          participantId: participant.id,
        };
      }
      const workshop = await store.workshopByFacilitatorKeyHash(hash);
      if (workshop) {
        await live(workshop.id);
        return { role: 'facilitator', workshopId: workshop.id };
      }
      const screen = await store.workshopByScreenKeyHash(hash);
      if (screen) {
        await live(screen.id);
        return { role: 'viewer', workshopId: screen.id };
      }
      throw new AppError(ErrorCode.unauthorized, 'This token is not valid.');
    },

    async update(workshopId, patch, options = {}) {
      const w = await live(workshopId);
      const { alsoWrite } = options;
      let record: WorkshopRecord | null;
      if (alsoWrite) {
        await store.transaction((tx) => {
          alsoWrite(tx);
          tx.updateWorkshop(workshopId, patch);
        });
        record = await store.workshopById(workshopId);
      } else {
        record = await store.updateWorkshop(workshopId, patch);
      }
      if (!record) throw new AppError(ErrorCode.notFound, 'Unknown workshop.');
      const previous = w.record.phase;
      w.record = record;
      if (record.phase !== previous) events.emit('phase', workshopId, record.phase, previous);
      if (patch.anonymity !== undefined || patch.moderation !== undefined)
        events.emit('modes', workshopId);
      events.emit('changed', workshopId);
      if (
        patch.phase !== undefined ||
        patch.timerEndsAt !== undefined ||
        patch.timerFreeze !== undefined ||
        patch.privateWriting !== undefined
      ) {
        events.emit('rights', workshopId);
      }
      return w;
    },

    async screenKey(workshopId, facilitatorKey) {
      const key = deriveScreenKey(facilitatorKey);
      const w = await live(workshopId);
      if (w.record.screenKeyHash !== hashSecret(key)) {
        const record = await store.updateWorkshop(workshopId, { screenKeyHash: hashSecret(key) });
        if (record) w.record = record;
      }
      return key;
    },

    async reload(workshopId) {
      const screen = cache.get(workshopId)?.screen;
      cache.delete(workshopId);
      const w = await live(workshopId);
      w.screen ??= screen;
      return w;
    },

    regrouped(workshopId) {
      const w = cache.get(workshopId);
      events.emit('changed', workshopId);
      if (w) events.emit('people', workshopId, [...w.participants.keys()]);
      events.emit('rights', workshopId);
    },

    votesReplaced(workshopId) {
      events.emit('votes', workshopId);
    },

    async setScreen(workshopId, patch) {
      const w = await live(workshopId);
      w.screen = { view: 'board', spotlight: null, ...w.screen, ...patch };
      events.emit('changed', workshopId);
      return w.screen;
    },

    async moveParticipant(workshopId, participantId, groupId) {
      const w = await live(workshopId);
      const participant = w.participants.get(participantId);
      if (!participant)
        throw new AppError(ErrorCode.notFound, 'No such participant in this workshop.');
      if (!activeGroups(w).some((g) => g.id === groupId))
        throw new AppError(ErrorCode.notFound, 'No such group in this round.');
      await store.moveParticipant(participantId, groupId);
      w.participants.set(participantId, { ...participant, groupId });
      events.emit('people', workshopId, [participantId]);
      events.emit('rights', workshopId);
    },

    async setBlocked(workshopId, participantId, blocked) {
      const w = await live(workshopId);
      const participant = w.participants.get(participantId);
      if (!participant || !(await store.setParticipantBlocked(workshopId, participantId, blocked)))
        throw new AppError(ErrorCode.notFound, 'No such participant in this workshop.');
      w.participants.set(participantId, { ...participant, blocked });
      events.emit('blocked', workshopId, participantId, blocked);
      events.emit('people', workshopId, [participantId]);
    },

    async removeParticipant(workshopId, participantId) {
      const w = await live(workshopId);
      if (!(await store.removeParticipant(workshopId, participantId))) {
        throw new AppError(ErrorCode.notFound, 'No such participant in this workshop.');
      }
      w.participants.delete(participantId);
      // Listeners close the person's connections and drop their dots from memory. The state goes
      // out whole: a presence delta can add or change an entry, not take one away.
      events.emit('removed', workshopId, participantId);
      events.emit('changed', workshopId);
    },
  };
}
