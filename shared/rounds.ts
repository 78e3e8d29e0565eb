// Rounds (issue 17): what the facilitator asks for when the groups re-form (`round:preview`,
// `round:start`), checked at the boundary like every payload.
import { z } from 'zod';
import { LIMITS } from './limits.js';

/**
 * `solo`: everyone alone (1-2-4-All's first step); `random` and `balanced` (mixing the profiles
 * chosen at join): new groups of about `size`; `tiers`: the groups joined two by two, boards
 * carried up; `rotate`: World Café, tables keep board and host, the others move on.
 */
export const ROUND_FORMATIONS = ['solo', 'random', 'balanced', 'tiers', 'rotate'] as const;
export type RoundFormation = (typeof ROUND_FORMATIONS)[number];

export const roundRequestSchema = z.strictObject({
  formation: z.enum(ROUND_FORMATIONS),
  /** People per group for `random` and `balanced`. */
  size: z.number().int().min(2).max(12).optional(),
  /** The same seed gives the same plan: the preview shown is the plan applied. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .optional(),
  /** The question of new groups whose members came from groups with different ones. */
  prompt: z.string().trim().max(LIMITS.groupPrompt).optional(),
});
export type RoundRequest = z.infer<typeof roundRequestSchema>;

/** A group of the next round: named, who sits in it, and where its board comes from. */
export interface RoundPlanGroup {
  /** The group kept (World Café: the table keeps its board), or null for a new one. */
  keeps: string | null;
  name: string;
  prompt: string;
  /** Participant ids. */
  members: string[];
  /** Groups of the round that ends whose cards this group starts from (tiers). */
  from: string[];
  hostId: string | null;
}

/** What `round:preview` shows and `round:start` applies (the same seed gives the same plan). */
export interface RoundPlan {
  /** The round this plan starts. */
  round: number;
  groups: RoundPlanGroup[];
}
