// The facilitator's room controls (issue 16) on the wire: "j'ai fini", messages to the room, help
// calls, bringing everyone to one card, private writing; their payload schemas and state shapes.
import { z } from 'zod';

/** Longest message the facilitator can send to the room, in characters. */
export const ROOM_MESSAGE_MAX = 200;
/** How long the last message of an audience is handed again to a laptop that (re)connects. */
export const ROOM_MESSAGE_TTL_MS = 10 * 60_000;

/** The draft document of one participant while the room writes privately. */
export const DRAFT_DOC_PREFIX = 'draft-';

export function draftDocName(participantId: string): string {
  return DRAFT_DOC_PREFIX + participantId;
}

/** The participant whose draft this document is, or null when the name is not a draft's. */
export function parseDraftDocName(docName: string): string | null {
  return docName.startsWith(DRAFT_DOC_PREFIX) && docName.length > DRAFT_DOC_PREFIX.length
    ? docName.slice(DRAFT_DOC_PREFIX.length)
    : null;
}

const id = z.string().min(1).max(64);

export const readySetPayload = z.strictObject({ done: z.boolean() });
export const messageSendPayload = z.strictObject({
  text: z.string().trim().min(1).max(ROOM_MESSAGE_MAX),
  /** To this group's laptops only; absent: to every laptop and the projection. */
  groupId: id.optional(),
});
export const messageClearPayload = z.strictObject({ groupId: id.optional() });
export const helpCallPayload = z.strictObject({});
export const helpResolvePayload = z.strictObject({ groupId: id });
export const focusTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('item'), id }),
  z.strictObject({ kind: z.literal('recommendation'), targetId: z.string().min(3).max(200) }),
  z.strictObject({ kind: z.literal('group'), groupId: id }),
]);
export type FocusTarget = z.infer<typeof focusTargetSchema>;
export const focusSetPayload = z.strictObject({ target: focusTargetSchema.nullable() });
export const privateSetPayload = z.strictObject({ on: z.boolean() });
export const privateRevealPayload = z.strictObject({});

/** "J'ai fini" of one group: how many of its online members said they are done (never who). */
export interface ReadyCount {
  done: number;
  of: number;
}

/** An open call for the facilitator: one per group at most; `since` in epoch ms. */
export interface HelpCall {
  groupId: string;
  since: number;
}

/** A message of the facilitator to the room (`groupId` null) or to one group. */
export interface RoomMessage {
  id: string;
  text: string;
  groupId: string | null;
  sentAt: number;
}

/** What workshop:state carries of the controls (every reader gets the same; no names in it). */
export interface FacilitationState {
  /** groupId → "j'ai fini" counts in the current phase; every group is listed. */
  ready: Record<string, ReadyCount>;
  /** Open help calls, oldest first. */
  help: HelpCall[];
  /** Where the facilitator brought everyone; null: nowhere. */
  focus: FocusTarget | null;
  /** Private writing: participants write in their drafts, group documents hold still for them. */
  private: boolean;
}

/** The answer of `private:reveal`: how many cards went from drafts to their group's document. */
export interface RevealResult {
  revealed: number;
}
