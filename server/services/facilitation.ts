// The facilitator's room controls (issue 16): "j'ai fini" flags, the last message per audience,
// help calls, the focus, and private writing with its reveal. Flags, calls, messages and focus are
// moments of a live session, kept in memory; private writing is on the workshop record (stored),
// since write rights depend on it.
import * as Y from 'yjs';
import { ErrorCode } from '../../shared/errors.js';
import {
  draftDocName,
  ROOM_MESSAGE_TTL_MS,
  type FacilitationState,
  type FocusTarget,
  type HelpCall,
  type ReadyCount,
  type RoomMessage,
} from '../../shared/facilitation.js';
import {
  itemsMap,
  readRecommendation,
  recommendationsMap,
  type Recommendation,
} from '../../shared/doc.js';
import { generateId, groupDocName, parseTargetId, PLENARY_DOC } from '../../shared/ids.js';
import { AppError } from '../errors.js';
import type { DocAccess } from './board.js';
import {
  writingFrozen,
  type LiveWorkshop,
  type Principal,
  type WorkshopService,
} from './workshops.js';

/** The audience key of a message to the whole room. */
const EVERYONE = '*';

interface Session {
  /** participantId → the group they were in when they said "j'ai fini" (a move undoes it). */
  ready: Map<string, string>;
  /** groupId → epoch ms of the call. */
  help: Map<string, number>;
  focus: FocusTarget | null;
  /** Audience (EVERYONE or a groupId) → its last message. */
  messages: Map<string, RoomMessage>;
}

export interface FacilitationService {
  /** A participant says they are done (or not any more) in the current phase. */
  setReady(principal: Principal, done: boolean): Promise<void>;
  /** Whether anyone is done: their presence changes the counts, so a full state must follow it. */
  anyReady(workshopId: string): boolean;
  /** The controls' part of workshop:state; `isOnline` says who counts in a group's "of". */
  stateOf(live: LiveWorkshop, isOnline: (participantId: string) => boolean): FacilitationState;
  /** Keeps the message as its audience's last one and returns it (to be sent by the caller). */
  sendMessage(workshopId: string, text: string, groupId: string | undefined): Promise<RoomMessage>;
  /** Forgets the audience's last message; true when there was one. */
  clearMessage(workshopId: string, groupId: string | null): boolean;
  /** The messages a connecting reader should still see: the room's, and their group's if any. */
  messagesFor(workshopId: string, audience: { groupId: string | null } | 'all'): RoomMessage[];
  /** A participant calls the facilitator for their group (an open call stays as it was). */
  callHelp(principal: Principal): Promise<HelpCall>;
  /** Closes a group's call; false when it had none. */
  resolveHelp(workshopId: string, groupId: string): Promise<boolean>;
  /** Points everyone at a card or a group (checked to exist), or nowhere. */
  setFocus(workshopId: string, target: FocusTarget | null): Promise<FocusTarget | null>;
  /** Turns private writing on or off (off keeps the drafts where they are). */
  setPrivate(workshopId: string, on: boolean): Promise<boolean>;
  /**
   * Private writing ends: every draft's cards go to their author's group document (one
   * transaction per group document), then leave the drafts. Returns how many moved.
   */
  reveal(workshopId: string): Promise<number>;
  /** A new phase: nobody is done in it yet, and the focus belonged to the last one. */
  phaseChanged(workshopId: string): void;
  forget(workshopId: string): void;
}

export function createFacilitationService(deps: {
  workshops: WorkshopService;
  docs: DocAccess;
  now?: () => number;
}): FacilitationService {
  const { workshops, docs } = deps;
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, Session>();

  function sessionOf(workshopId: string): Session {
    let session = sessions.get(workshopId);
    if (!session) {
      session = { ready: new Map(), help: new Map(), focus: null, messages: new Map() };
      sessions.set(workshopId, session);
    }
    return session;
  }

  async function participantOf(principal: Principal) {
    if (principal.role !== 'participant') {
      throw new AppError(ErrorCode.forbidden, 'Only a participant can do this.');
    }
    const live = await workshops.live(principal.workshopId);
    const me = live.participants.get(principal.participantId);
    if (!me) throw new AppError(ErrorCode.forbidden, 'You are no longer in this workshop.');
    return { live, me };
  }

  function groupOf(live: LiveWorkshop, groupId: string) {
    const group = live.groups.find((g) => g.id === groupId);
    if (!group) throw new AppError(ErrorCode.notFound, 'No such group.');
    return group;
  }

  /** A message still worth handing over; an expired one is dropped on the way. */
  function fresh(session: Session, audience: string): RoomMessage | null {
    const message = session.messages.get(audience);
    if (!message) return null;
    if (now() - message.sentAt > ROOM_MESSAGE_TTL_MS) {
      session.messages.delete(audience);
      return null;
    }
    return message;
  }

  async function checkFocus(workshopId: string, target: FocusTarget): Promise<void> {
    const live = await workshops.live(workshopId);
    if (target.kind === 'group') {
      groupOf(live, target.groupId);
      return;
    }
    if (target.kind === 'item') {
      const exists = await docs.withDoc(workshopId, PLENARY_DOC, (doc) =>
        itemsMap(doc).has(target.id),
      );
      if (!exists) throw new AppError(ErrorCode.notFound, 'No such item.');
      return;
    }
    const ref = parseTargetId(target.targetId);
    if (ref?.kind !== 'recommendation' || !live.groups.some((g) => g.id === ref.groupId)) {
      throw new AppError(ErrorCode.notFound, 'No such recommendation.');
    }
    const exists = await docs.withDoc(workshopId, groupDocName(ref.groupId), (doc) =>
      recommendationsMap(doc).has(ref.recommendationId),
    );
    if (!exists) throw new AppError(ErrorCode.notFound, 'No such recommendation.');
  }

  return {
    async setReady(principal, done) {
      const { me } = await participantOf(principal);
      const { ready } = sessionOf(me.workshopId);
      if (done) ready.set(me.id, me.groupId);
      else ready.delete(me.id);
    },

    anyReady: (workshopId) => (sessions.get(workshopId)?.ready.size ?? 0) > 0,

    stateOf(live, isOnline) {
      const session = sessions.get(live.record.id);
      const ready: Record<string, ReadyCount> = {};
      for (const g of live.groups) ready[g.id] = { done: 0, of: 0 };
      for (const p of live.participants.values()) {
        const count = ready[p.groupId];
        if (!count || !isOnline(p.id)) continue;
        count.of++;
        // Done in the group they are in now: a participant moved since counts as not done.
        if (session?.ready.get(p.id) === p.groupId) count.done++;
      }
      const help = [...(session?.help ?? new Map<string, number>())]
        .filter(([groupId]) => ready[groupId] !== undefined)
        .map(([groupId, since]) => ({ groupId, since }))
        .sort((a, b) => a.since - b.since);
      return {
        ready,
        help,
        focus: session?.focus ?? null,
        private: live.record.privateWriting === true,
      };
    },

    async sendMessage(workshopId, text, groupId) {
      const live = await workshops.live(workshopId);
      if (groupId !== undefined) groupOf(live, groupId);
      const message: RoomMessage = {
        id: generateId(),
        text,
        groupId: groupId ?? null,
        sentAt: now(),
      };
      sessionOf(workshopId).messages.set(groupId ?? EVERYONE, message);
      return message;
    },

    clearMessage(workshopId, groupId) {
      return sessions.get(workshopId)?.messages.delete(groupId ?? EVERYONE) ?? false;
    },

    messagesFor(workshopId, audience) {
      const session = sessions.get(workshopId);
      if (!session) return [];
      const keys =
        audience === 'all'
          ? [...session.messages.keys()]
          : [EVERYONE, ...(audience.groupId ? [audience.groupId] : [])];
      return keys
        .map((key) => fresh(session, key))
        .filter((m): m is RoomMessage => m !== null)
        .sort((a, b) => a.sentAt - b.sentAt);
    },

    async callHelp(principal) {
      const { me } = await participantOf(principal);
      const { help } = sessionOf(me.workshopId);
      // Idempotent: a second call of the same group keeps the first one's time (its place in line).
      const since = help.get(me.groupId) ?? now();
      help.set(me.groupId, since);
      return { groupId: me.groupId, since };
    },

    async resolveHelp(workshopId, groupId) {
      groupOf(await workshops.live(workshopId), groupId);
      return sessions.get(workshopId)?.help.delete(groupId) ?? false;
    },

    async setFocus(workshopId, target) {
      if (target) await checkFocus(workshopId, target);
      sessionOf(workshopId).focus = target;
      return target;
    },

    async setPrivate(workshopId, on) {
      const live = await workshops.update(workshopId, { privateWriting: on });
      return live.record.privateWriting === true;
    },

    async reveal(workshopId) {
      // Off first: from here on participants write neither their drafts nor (still) nothing
      // new arrives in a draft while its cards are being moved out of it.
      const live = await workshops.update(workshopId, { privateWriting: false });
      const byGroup = new Map<string, { participantId: string; cards: Recommendation[] }[]>();
      for (const p of live.participants.values()) {
        const cards = await docs.withDoc(workshopId, draftDocName(p.id), (doc) => {
          const out: Recommendation[] = [];
          recommendationsMap(doc).forEach((entry, id) => {
            const card = readRecommendation(id, entry);
            if (card) out.push(card);
          });
          return out;
        });
        if (cards.length === 0) continue;
        const list = byGroup.get(p.groupId) ?? [];
        list.push({ participantId: p.id, cards });
        byGroup.set(p.groupId, list);
      }
      let revealed = 0;
      for (const [groupId, drafts] of byGroup) {
        // One transaction: the group sees every card of the reveal appear at once.
        await docs.withDoc(workshopId, groupDocName(groupId), (doc) => {
          const map = recommendationsMap(doc);
          doc.transact(() => {
            for (const { cards } of drafts) {
              for (const card of cards) {
                // Already there (a reveal cut short and run again): the group's copy stands.
                if (map.has(card.id)) continue;
                map.set(card.id, entryOf(card));
                revealed++;
              }
            }
          });
        });
        // Only then out of the drafts: a failure in between leaves a card in both, never in none.
        for (const { participantId, cards } of drafts) {
          await docs.withDoc(workshopId, draftDocName(participantId), (doc) => {
            const map = recommendationsMap(doc);
            doc.transact(() => {
              for (const card of cards) map.delete(card.id);
            });
          });
        }
      }
      return revealed;
    },

    phaseChanged(workshopId) {
      const session = sessions.get(workshopId);
      if (!session) return;
      session.ready.clear();
      session.focus = null;
    },

    forget(workshopId) {
      sessions.delete(workshopId);
    },
  };
}

/** A card as a new entry of the group document's schema (same id, author and time). */
function entryOf(card: Recommendation): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  entry.set('title', new Y.Text(card.title));
  entry.set('body', new Y.Text(card.body));
  entry.set('authorId', card.authorId);
  entry.set('createdAt', card.createdAt);
  if (card.sources && card.sources.length > 0) {
    const sources = new Y.Array<string>();
    sources.push(card.sources);
    entry.set('sources', sources);
  }
  return entry;
}

/**
 * May this principal open this participant's draft? Its author and the facilitator only: not
 * the others, not the projection (refused with 4403).
 */
export function mayOpenDraft(principal: Principal, authorId: string): boolean {
  return (
    principal.role === 'facilitator' ||
    (principal.role === 'participant' && principal.participantId === authorId)
  );
}

/**
 * May this principal change the draft right now? The facilitator, as in every document; its
 * author while private writing is on (unless blocked, or a frozen timer or a closed workshop stops
 * writing).
 */
export function canWriteDraft(
  live: LiveWorkshop,
  principal: Principal,
  authorId: string,
  now = Date.now(),
): boolean {
  if (live.record.phase === 'closed') return false;
  if (principal.role === 'facilitator') return true;
  const author = live.participants.get(authorId);
  if (!mayOpenDraft(principal, authorId) || !author) return false;
  // Blocked by the facilitator (moderation): writes nothing, their draft included.
  if (author.blocked === true) return false;
  return live.record.privateWriting === true && !writingFrozen(live.record, now);
}
