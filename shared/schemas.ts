// zod schemas of everything that crosses a boundary: HTTP bodies and Socket.IO payloads.
import { z } from 'zod';
import { anonymitySchema, type Anonymity } from './anonymity.js';
import { LIMITS } from './limits.js';
import { moderationModeSchema } from './moderation.js';
import { PHASES } from './phases.js';

/** Trimmed text with a length range; messages name the field so the UI can point at it. */
const text = (max: number, min = 1) => z.string().trim().min(min).max(max);

export const languageSchema = z.enum(['fr', 'en']);
export type Language = z.infer<typeof languageSchema>;

export const phaseSchema = z.enum(PHASES);

/** A group is its name, or (an extension of the contract) its name and the question it works on. */
export const groupInput = z.union([
  text(LIMITS.groupName),
  z.strictObject({ name: text(LIMITS.groupName), prompt: text(LIMITS.groupPrompt, 0).default('') }),
]);

export const createWorkshopBody = z.strictObject({
  title: text(LIMITS.workshopTitle),
  groups: z.array(groupInput).min(1).max(LIMITS.groupsPerWorkshop),
  voteBudget: z.number().int().min(1).max(LIMITS.voteBudgetMax).default(5),
  language: languageSchema.default('fr'),
  /** Extension: the information notice on personal data shown at join time (default: built from the retention). */
  notice: z.string().trim().max(LIMITS.notice).optional(),
  /** Extension (1.1, issue 16): who reads participants' names. */
  anonymity: anonymitySchema.optional(),
  /** Extension (issue 16): `inbox` shows the projection only the cards the facilitator approved. */
  moderation: moderationModeSchema.optional(),
});
export type CreateWorkshopBody = z.input<typeof createWorkshopBody>;

export const joinBody = z.strictObject({
  name: text(LIMITS.participantName),
  groupId: z.string().min(1).max(64).optional(),
});
export type JoinBody = z.input<typeof joinBody>;

/** Extension: PATCH /api/workshops/:workshopId; `notice: null` or '' brings the default text back. */
export const workshopPatchBody = z.strictObject({
  notice: z.string().trim().max(LIMITS.notice).nullable(),
});

/** What happens to the cards of a participant who withdraws: kept without author, or deleted. */
export const WITHDRAW_MODES = ['anonymise', 'remove'] as const;
export type WithdrawMode = (typeof WITHDRAW_MODES)[number];
/** Extension: DELETE /api/workshops/:workshopId/participants/me with the participant's token. */
export const withdrawBody = z.strictObject({ cards: z.enum(WITHDRAW_MODES) });

export const snapshotBody = z.strictObject({ label: text(LIMITS.snapshotLabel) });

export const voteCastPayload = z.strictObject({
  targetId: z.string().min(3).max(200),
  delta: z.union([z.literal(1), z.literal(-1)]),
});
export const phaseSetPayload = z.strictObject({ phase: phaseSchema });
export const timerStartPayload = z.strictObject({
  seconds: z.number().int().min(1).max(LIMITS.timerSecondsMax),
  /** Extension: when the countdown reaches zero, participants can no longer write. */
  freezeAtZero: z.boolean().optional(),
});
/** Extension: adds time to the running timer (or starts one). */
export const timerAddPayload = z.strictObject({
  seconds: z.number().int().min(1).max(LIMITS.timerSecondsMax),
});
export const timerStopPayload = z.strictObject({});
export const votesRevealPayload = z.strictObject({ revealed: z.boolean() });
export const participantMovePayload = z.strictObject({
  participantId: z.string().min(1).max(64),
  groupId: z.string().min(1).max(64),
});
export const workshopSettingsPayload = z.strictObject({
  groupChoiceLocked: z.boolean().optional(),
  joiningLocked: z.boolean().optional(),
  anonymity: anonymitySchema.optional(),
  moderation: moderationModeSchema.optional(),
});

/** Extension: what the projection shows in the board phases, chosen by the facilitator. */
export const SCREEN_VIEWS = ['board', 'matrix'] as const;
export type ScreenView = (typeof SCREEN_VIEWS)[number];
export const screenViewPayload = z.strictObject({ view: z.enum(SCREEN_VIEWS) });
/** Extension: one merged item shown large on the projection, or none. */
export const screenSpotlightPayload = z.strictObject({
  itemId: z.string().min(1).max(64).nullable(),
});

/**
 * Extension: what the Socket.IO handshake's `auth` may carry beyond the contract's `token`.
 * `presence: "delta"` asks for `presence:delta` upserts instead of a full workshop:state on each
 * presence change. Any other value, or none, reads as absent: the contract's behaviour, never a
 * refusal (a client that sends something we do not know must still connect).
 */
export const handshakeOptions = z.object({
  presence: z.literal('delta').optional().catch(undefined),
});

export interface GroupInfo {
  id: string;
  name: string;
  /** The question the group works on; '' when none was given. */
  prompt: string;
  /** Extension (rounds, issue 17): the round it was formed for, when not the first. */
  round?: number;
  /** Extension (rounds): the groups of the previous round whose cards it started from. */
  parents?: string[];
  /** Extension (World Café): the participant who stays at this table. */
  hostId?: string;
}

/** Extension (rounds, issue 17): the rounds so far, and the groups of the rounds that ended. */
export interface RoundsInfo {
  /** The current round, 1 for the first. */
  round: number;
  /** Groups of earlier rounds: their boards stay, read-only, with their round. */
  pastGroups: (GroupInfo & { round: number })[];
}

export interface CreateWorkshopResult {
  workshopId: string;
  code: string;
  facilitatorKey: string;
  groups: GroupInfo[];
}

export interface WorkshopInfo {
  workshopId: string;
  code: string;
  title: string;
  phase: z.infer<typeof phaseSchema>;
  voteBudget: number;
  language: Language;
  groupChoiceLocked: boolean;
  joiningLocked: boolean;
  /** The groups people sit in now (the current round's). */
  groups: GroupInfo[];
  /** Extension (issue 17): the round and the earlier rounds' groups. */
  round: number;
  pastGroups: RoundsInfo['pastGroups'];
  /** Extension: the organiser's information notice on personal data; null: the default text applies. */
  notice: string | null;
  /** Extension (issue 16): whether names are hidden, so the join page can say so before joining. */
  anonymity: Anonymity;
  /**
   * Extension (issue 16): each phase's default countdown in minutes (null: no timer), from the
   * template the workshop was created from, or the usual day; the console offers "Lancer 20 min".
   */
  steps: { phase: z.infer<typeof phaseSchema>; minutes: number | null }[];
  /** Extension: days a closed workshop is kept (RETENTION_DAYS; 0: kept until deleted). */
  retentionDays: number;
  /** Extension: the address the room joins at (`<base>/w/<code>`), reachable from participants' laptops. */
  joinUrl: string;
}

export interface JoinResult {
  participantId: string;
  token: string;
  groupId: string;
}

/** The first issue in a zod error, as `{field, message}`: what a 400 answer names. */
export function describeZodError(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  return { field, message: `${field}: ${issue?.message ?? 'invalid'}` };
}
