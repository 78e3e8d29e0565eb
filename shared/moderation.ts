// Moderation (issue 16): the workshop's moderation mode, the facilitator-only `moderation` Yjs
// document (hidden cards, cards approved for the projection) and the payloads of its commands.
import * as Y from 'yjs';
import { z } from 'zod';
import { LIMITS } from './limits.js';

/** `open`: the projection reads the group documents; `inbox`: only the cards the facilitator approved. */
export const MODERATION_MODES = ['open', 'inbox'] as const;
export type ModerationMode = (typeof MODERATION_MODES)[number];
export const moderationModeSchema = z.enum(MODERATION_MODES);

/**
 * The facilitator's own document: readable and writable by the facilitator only (participants
 * and the screen are refused 4403). Its top-level names, declared once here.
 */
export const MODERATION_DOC = 'moderation';
/** targetId (`<groupId>/<recommendationId>`) → a hidden card, as it was in its group document. */
export const HIDDEN = 'hidden';
/** targetId → the title and body the facilitator approved for the projection (inbox mode). */
export const APPROVED = 'approved';

const targetId = z.string().min(3).max(LIMITS.sourceId);

/** `card:hide`: takes a card out of its group document into the moderation document, or back. */
export const cardHidePayload = z.strictObject({ targetId, hidden: z.boolean() });
/** `card:approve`: shows a card's current title and body on the projection (inbox), or stops. */
export const cardApprovePayload = z.strictObject({
  targetId,
  approved: z.boolean().default(true),
});
/** `participant:block`: a blocked participant reads, but their writes and votes change nothing. */
export const participantBlockPayload = z.strictObject({
  participantId: z.string().min(1).max(64),
  blocked: z.boolean(),
});

/** One card flagged by the profanity check: its words, never the card removed. */
export interface ModerationFlag {
  targetId: string;
  words: string[];
}

/** To the facilitator: every flagged card of the workshop (the whole list, replaced each time). */
export interface ModerationFlags {
  flags: ModerationFlag[];
}

/** A card approved for the projection, as it was when approved. */
export interface ApprovedCard {
  targetId: string;
  groupId: string;
  title: string;
  body: string;
}

/** To the projection and the facilitator in inbox mode: the approved cards, oldest first. */
export interface ScreenCards {
  cards: ApprovedCard[];
}

export function hiddenMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(HIDDEN);
}

export function approvedMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(APPROVED);
}

function stringOf(value: unknown): string {
  return value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : '';
}

/** The approved cards of a moderation document, in approval order; malformed entries skipped. */
export function readApproved(doc: Y.Doc): ApprovedCard[] {
  const out: (ApprovedCard & { at: number })[] = [];
  approvedMap(doc).forEach((entry, id) => {
    if (!(entry instanceof Y.Map)) return;
    const at = entry.get('approvedAt');
    out.push({
      targetId: id,
      groupId: stringOf(entry.get('groupId')),
      title: stringOf(entry.get('title')),
      body: stringOf(entry.get('body')),
      at: typeof at === 'number' ? at : 0,
    });
  });
  out.sort((a, b) => a.at - b.at || (a.targetId < b.targetId ? -1 : 1));
  return out.map(({ at: _at, ...card }) => card);
}

/**
 * A participant withdraws (issue 15): their hidden cards are anonymised or deleted like their
 * other cards, and in `remove` mode no approved copy of a removed card stays on the projection.
 * `removedRefs` gains the hidden cards removed; returns how many hidden cards were theirs.
 */
export function withdrawFromModeration(
  doc: Y.Doc,
  participantId: string,
  mode: 'anonymise' | 'remove',
  removedRefs: Set<string>,
): number {
  const hidden = hiddenMap(doc);
  const theirs: string[] = [];
  hidden.forEach((entry, targetId) => {
    if (entry instanceof Y.Map && entry.get('authorId') === participantId) theirs.push(targetId);
  });
  doc.transact(() => {
    for (const targetId of theirs) {
      if (mode === 'remove') {
        hidden.delete(targetId);
        removedRefs.add(targetId);
      } else hidden.get(targetId)?.set('authorId', '');
    }
    if (mode === 'remove') {
      const approved = approvedMap(doc);
      for (const targetId of removedRefs) if (approved.has(targetId)) approved.delete(targetId);
    }
  });
  return theirs.length;
}
