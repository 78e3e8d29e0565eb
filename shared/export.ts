// The export JSON: a whole board at one moment (groups, recommendations, merged items, votes,
// scores, phase). Snapshots are stored in it, `GET …/export?format=json` answers it, and an
// import reads it back into a new workshop. The zod schema checks an import before anything is
// written; `version` changes only with a migration of older files.
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { PHASES, VOTING_PHASES } from './phases.js';
import { languageSchema } from './schemas.js';

export const EXPORT_FORMAT = 'atelier.workshop';
export const EXPORT_VERSION = 1;

const id = z.string().min(1).max(LIMITS.entryId);
const timestamp = z.number().int().min(0);
const score = z.number().int().min(1).max(5).nullable();

export const exportRecommendationSchema = z.object({
  id,
  title: z.string().max(LIMITS.recommendationTitle * 4),
  body: z.string().max(LIMITS.recommendationBody * 4),
  authorId: z.string().max(LIMITS.entryId),
  createdAt: z.number(),
  /** Dots received in the group vote. */
  votes: z.number().int().min(0),
});

export const exportItemSchema = z.object({
  id,
  title: z.string().max(LIMITS.recommendationTitle * 4),
  body: z.string().max(LIMITS.recommendationBody * 4),
  /** `<groupId>/<recommendationId>` of the recommendations merged into the item. */
  sources: z.array(z.string().max(LIMITS.sourceId)).max(LIMITS.sourcesPerItem),
  createdAt: z.number(),
  impact: score,
  feasibility: score,
  /** Sum of the group votes of its sources. */
  sourcesVotes: z.number().int().min(0),
  /** Dots received in the plenary vote. */
  votes: z.number().int().min(0),
});

export const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: timestamp,
  workshop: z.object({
    workshopId: id,
    code: z.string().max(16),
    title: z.string().min(1).max(LIMITS.workshopTitle),
    language: languageSchema,
    voteBudget: z.number().int().min(1).max(LIMITS.voteBudgetMax),
    phase: z.enum(PHASES),
    votesRevealed: z.boolean(),
    createdAt: timestamp,
  }),
  groups: z
    .array(
      z.object({
        id,
        name: z.string().min(1).max(LIMITS.groupName),
        prompt: z.string().max(LIMITS.groupPrompt),
        recommendations: z.array(exportRecommendationSchema).max(LIMITS.entriesPerDocument),
      }),
    )
    .min(1)
    .max(LIMITS.groupsPerWorkshop),
  participants: z
    .array(z.object({ id, name: z.string().min(1).max(LIMITS.participantName), groupId: id }))
    .max(10_000),
  items: z.array(exportItemSchema).max(LIMITS.entriesPerDocument),
  votes: z
    .array(
      z.object({
        participantId: id,
        phase: z.enum(VOTING_PHASES),
        targetId: z.string().min(3).max(200),
        count: z.number().int().min(1).max(LIMITS.voteBudgetMax),
      }),
    )
    .max(200_000),
});

export type BoardExport = z.infer<typeof exportSchema>;
export type ExportRecommendation = z.infer<typeof exportRecommendationSchema>;
export type ExportItem = z.infer<typeof exportItemSchema>;
