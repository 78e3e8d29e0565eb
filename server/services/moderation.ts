// Moderation (issue 16): hiding a card (it leaves its group document for the facilitator-only
// `moderation` document, and comes back with the same id and text), approving cards for the
// projection in inbox mode, and the profanity flags of the cards, told to the facilitator only.
// Nothing here deletes a card for good: a hidden card waits in the moderation document.
import { EventEmitter } from 'node:events';
import * as Y from 'yjs';
import {
  addRecommendation,
  readRecommendation,
  recommendationsMap,
  type Recommendation,
} from '../../shared/doc.js';
import { ErrorCode } from '../../shared/errors.js';
import {
  groupDocName,
  parseDocName,
  parseTargetId,
  recommendationTargetId,
} from '../../shared/ids.js';
import {
  approvedMap,
  hiddenMap,
  MODERATION_DOC,
  readApproved,
  type ApprovedCard,
  type ModerationFlag,
} from '../../shared/moderation.js';
import { AppError } from '../errors.js';
import type { ProfanityCheck } from './profanity.js';
import type { Rooms } from '../collab/rooms.js';
import type { WorkshopService } from './workshops.js';

/** A burst of keystrokes in a group document is checked once, this long after it ends. */
const FLAG_CHECK_DELAY_MS = 300;

export interface ModerationEvents {
  /** The flagged cards of a workshop changed: the facilitators get the whole list. */
  flags: [workshopId: string, flags: ModerationFlag[]];
  /** The approved cards changed (inbox mode): the projection and the facilitators get them. */
  screenCards: [workshopId: string, cards: ApprovedCard[]];
}

export interface ModerationService {
  /** Emitted here, listened to in server/events.ts only. */
  readonly events: EventEmitter<ModerationEvents>;
  /** Hides a recommendation from everyone but the facilitator, or brings it back; idempotent. */
  hide(workshopId: string, targetId: string, hidden: boolean): Promise<void>;
  /** Shows a recommendation's current title and body on the projection (inbox), or stops. */
  approve(workshopId: string, targetId: string, approved: boolean): Promise<void>;
  /** The approved cards, oldest approval first. */
  screenCards(workshopId: string): Promise<ApprovedCard[]>;
  /** Every flagged card of the workshop (its group documents read, and loaded if need be). */
  flags(workshopId: string): Promise<ModerationFlag[]>;
  forget(workshopId: string): void;
}

type DocTarget = { groupId: string; recommendationId: string; targetId: string };

export function createModerationService(deps: {
  workshops: WorkshopService;
  docs: Pick<Rooms, 'withDoc' | 'observe'>;
  profanity: ProfanityCheck;
  log: { error(message: string, fields?: Record<string, unknown>): void };
}): ModerationService {
  const { workshops, docs, profanity, log } = deps;
  const events = new EventEmitter<ModerationEvents>();
  /** workshopId → group docName → targetId → offending words. */
  const flagged = new Map<string, Map<string, Map<string, string[]>>>();

  function flatFlags(workshopId: string): ModerationFlag[] {
    const out: ModerationFlag[] = [];
    for (const byTarget of flagged.get(workshopId)?.values() ?? []) {
      for (const [targetId, words] of byTarget) out.push({ targetId, words });
    }
    return out.sort((a, b) => (a.targetId < b.targetId ? -1 : 1));
  }

  /** Checks every card of a group document; true when its flags changed. */
  function scan(workshopId: string, docName: string, groupId: string, doc: Y.Doc): boolean {
    const found = new Map<string, string[]>();
    recommendationsMap(doc).forEach((entry, id) => {
      const card = readRecommendation(id, entry);
      if (!card) return;
      const words = [...new Set([...profanity.find(card.title), ...profanity.find(card.body)])];
      if (words.length > 0) found.set(recommendationTargetId(groupId, id), words);
    });
    let byDoc = flagged.get(workshopId);
    if (!byDoc) {
      byDoc = new Map();
      flagged.set(workshopId, byDoc);
    }
    const before = byDoc.get(docName) ?? new Map<string, string[]>();
    const same =
      before.size === found.size &&
      [...found].every(([id, words]) => before.get(id)?.join('\u0000') === words.join('\u0000'));
    if (found.size > 0) byDoc.set(docName, found);
    else byDoc.delete(docName);
    return !same;
  }

  // Every group document that loads is checked at once, then again after each burst of changes.
  docs.observe((workshopId, docName, doc) => {
    const ref = parseDocName(docName);
    if (ref?.kind !== 'group') return;
    const groupId = ref.groupId;
    let timer: NodeJS.Timeout | null = null;
    const check = () => {
      timer = null;
      try {
        if (scan(workshopId, docName, groupId, doc))
          events.emit('flags', workshopId, flatFlags(workshopId));
      } catch (error) {
        log.error('profanity check failed', { workshopId, error: String(error) });
      }
    };
    check();
    const onChange = () => {
      timer ??= setTimeout(check, FLAG_CHECK_DELAY_MS);
    };
    const map = recommendationsMap(doc);
    map.observeDeep(onChange);
    return () => {
      map.unobserveDeep(onChange);
      if (timer) clearTimeout(timer);
    };
  });

  async function targetOf(workshopId: string, targetId: string): Promise<DocTarget> {
    const target = parseTargetId(targetId);
    if (target?.kind !== 'recommendation')
      throw new AppError(ErrorCode.invalidPayload, 'targetId: not a recommendation.');
    const live = await workshops.live(workshopId);
    if (!live.groups.some((g) => g.id === target.groupId))
      throw new AppError(ErrorCode.notFound, 'No such group.');
    return { groupId: target.groupId, recommendationId: target.recommendationId, targetId };
  }

  /** Writes (or rewrites) a hidden card into the moderation document. */
  function keepHidden(doc: Y.Doc, t: DocTarget, card: Recommendation, hiddenAt: number): void {
    doc.transact(() => {
      const entry = new Y.Map<unknown>();
      hiddenMap(doc).set(t.targetId, entry);
      entry.set('groupId', t.groupId);
      entry.set('title', new Y.Text(card.title));
      entry.set('body', new Y.Text(card.body));
      entry.set('authorId', card.authorId);
      entry.set('createdAt', card.createdAt);
      if (card.sources?.length) entry.set('sources', Y.Array.from(card.sources));
      entry.set('hiddenAt', hiddenAt);
      // A hidden card is off the projection too.
      approvedMap(doc).delete(t.targetId);
    });
  }

  const same = (a: Recommendation, b: Recommendation) =>
    a.title === b.title &&
    a.body === b.body &&
    (a.sources ?? []).join('\n') === (b.sources ?? []).join('\n');

  async function hideCard(workshopId: string, t: DocTarget): Promise<void> {
    await docs.withDoc(workshopId, groupDocName(t.groupId), async (group) => {
      const read = () =>
        readRecommendation(t.recommendationId, recommendationsMap(group).get(t.recommendationId));
      const card = read();
      if (!card) {
        const already = await docs.withDoc(workshopId, MODERATION_DOC, (m) =>
          hiddenMap(m).has(t.targetId),
        );
        if (already) return;
        throw new AppError(ErrorCode.notFound, 'This recommendation does not exist.');
      }
      // The copy is stored before the card leaves the group: a failure in between hides nothing.
      await docs.withDoc(workshopId, MODERATION_DOC, (m) => keepHidden(m, t, card, Date.now()));
      // Edits made while the copy was stored are taken along, read and deleted in one step.
      const last = read() ?? card;
      group.transact(() => recommendationsMap(group).delete(t.recommendationId));
      if (!same(last, card)) {
        await docs.withDoc(workshopId, MODERATION_DOC, (m) => keepHidden(m, t, last, Date.now()));
      }
    });
  }

  async function unhideCard(workshopId: string, t: DocTarget): Promise<void> {
    const card = await docs.withDoc(workshopId, MODERATION_DOC, (m) =>
      readRecommendation(t.recommendationId, hiddenMap(m).get(t.targetId)),
    );
    if (!card) {
      const present = await docs.withDoc(workshopId, groupDocName(t.groupId), (g) =>
        recommendationsMap(g).has(t.recommendationId),
      );
      if (present) return;
      throw new AppError(ErrorCode.notFound, 'No hidden recommendation has this id.');
    }
    // Back first, then out of the moderation document: a failure in between loses nothing.
    await docs.withDoc(workshopId, groupDocName(t.groupId), (g) => {
      if (!recommendationsMap(g).has(t.recommendationId)) addRecommendation(g, card);
    });
    await docs.withDoc(workshopId, MODERATION_DOC, (m) => {
      m.transact(() => hiddenMap(m).delete(t.targetId));
    });
  }

  async function screenCards(workshopId: string): Promise<ApprovedCard[]> {
    return docs.withDoc(workshopId, MODERATION_DOC, readApproved);
  }

  return {
    events,

    async hide(workshopId, targetId, hidden) {
      const t = await targetOf(workshopId, targetId);
      if (hidden) await hideCard(workshopId, t);
      else await unhideCard(workshopId, t);
      events.emit('screenCards', workshopId, await screenCards(workshopId));
    },

    async approve(workshopId, targetId, approved) {
      const t = await targetOf(workshopId, targetId);
      if (approved) {
        const card = await docs.withDoc(workshopId, groupDocName(t.groupId), (g) =>
          readRecommendation(t.recommendationId, recommendationsMap(g).get(t.recommendationId)),
        );
        if (!card) throw new AppError(ErrorCode.notFound, 'This recommendation does not exist.');
        await docs.withDoc(workshopId, MODERATION_DOC, (m) => {
          m.transact(() => {
            const entry = new Y.Map<unknown>();
            approvedMap(m).set(t.targetId, entry);
            entry.set('groupId', t.groupId);
            entry.set('title', card.title);
            entry.set('body', card.body);
            entry.set('approvedAt', Date.now());
          });
        });
      } else {
        await docs.withDoc(workshopId, MODERATION_DOC, (m) => {
          m.transact(() => approvedMap(m).delete(t.targetId));
        });
      }
      events.emit('screenCards', workshopId, await screenCards(workshopId));
    },

    screenCards,

    async flags(workshopId) {
      const live = await workshops.live(workshopId);
      for (const group of live.groups) {
        const docName = groupDocName(group.id);
        await docs.withDoc(workshopId, docName, (doc) => scan(workshopId, docName, group.id, doc));
      }
      return flatFlags(workshopId);
    },

    forget(workshopId) {
      flagged.delete(workshopId);
    },
  };
}
