// Rounds (issue 17) as both stores keep them: the workshop's round and join profiles, a group's
// round, retirement, parents and host, a participant's profile. Fields at their default are absent
// from the records, so records keep the shape they had before rounds.
import { z } from 'zod';
import { LIMITS } from '../../shared/limits.js';
import type { GroupRecord } from './store.js';

const idList = z.array(z.string().max(LIMITS.entryId)).max(LIMITS.groupsPerWorkshop * 2);
const profileList = z.array(z.string().max(LIMITS.groupName)).max(12);

function list(text: unknown, schema: z.ZodType<string[]>): string[] {
  if (typeof text !== 'string') return [];
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The JSON text of a list column. */
export const listToColumn = (values: readonly string[] | undefined): string =>
  JSON.stringify(values ?? []);

/** The workshop's rounds fields from its row (SQLite and PostgreSQL name them alike). */
export function workshopRoundFields(row: { round?: unknown; profiles?: unknown }): {
  round?: number;
  profiles?: string[];
} {
  const round = typeof row.round === 'number' && row.round > 1 ? row.round : undefined;
  const profiles = list(row.profiles, profileList);
  return {
    ...(round !== undefined ? { round } : {}),
    ...(profiles.length > 0 ? { profiles } : {}),
  };
}

/** A group from its row, in either store. */
export function groupFromRow(row: Record<string, unknown>): GroupRecord {
  const round = typeof row.round === 'number' ? row.round : 1;
  const parents = list(row.parents, idList);
  return {
    id: row.id as string,
    workshopId: row.workshop_id as string,
    name: row.name as string,
    prompt: row.prompt as string,
    position: row.position as number,
    ...(round > 1 ? { round } : {}),
    ...(typeof row.retired_round === 'number' ? { retiredRound: row.retired_round } : {}),
    ...(parents.length > 0 ? { parents } : {}),
    ...(typeof row.host_id === 'string' ? { hostId: row.host_id } : {}),
  };
}

/** A group's columns for an insert, in the order of GROUP_INSERT_COLUMNS. */
export function groupColumns(group: GroupRecord) {
  return {
    id: group.id,
    workshopId: group.workshopId,
    name: group.name,
    prompt: group.prompt,
    position: group.position,
    round: group.round ?? 1,
    retiredRound: group.retiredRound ?? null,
    parents: listToColumn(group.parents),
    hostId: group.hostId ?? null,
  };
}
