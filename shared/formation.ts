// How groups re-form between rounds (issue 17): pure functions from who is here to who sits
// with whom. No I/O, no randomness of their own (a seeded generator is passed in), so a plan can
// be shown to the facilitator before it is applied and replayed in tests.

export interface Member {
  participantId: string;
  /** The group they are in now (the round that ends). */
  groupId: string;
  /** The profile they chose at join ("élu·e", "agent·e", "habitant·e"…), if the workshop asks. */
  profile?: string;
}

/** A group of the next round: who sits in it and which groups of the round that ends it continues. */
export interface PlannedGroup {
  members: string[];
  /** Groups of the previous round whose cards this group starts from (tiers: pairs → fours). */
  from: string[];
  /** World Café: the table (group) kept, with its board; its host stays. */
  keeps?: string;
  host?: string;
}

/** A small seeded generator (mulberry32): the same seed gives the same plan. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * How many groups of about `size` to make of `n` people: the count whose average size is nearest
 * to `size` (fewer groups on a tie), never one that would leave someone alone when groups of two
 * or more were asked for.
 */
export function groupCount(n: number, size: number): number {
  if (size < 1) throw new RangeError('size must be at least 1');
  if (n <= 1) return 1;
  const smallest = Math.min(2, size);
  const candidates = [Math.floor(n / size), Math.ceil(n / size)].filter(
    (count) => count >= 1 && Math.floor(n / count) >= smallest,
  );
  if (candidates.length === 0) return 1;
  return candidates.reduce((best, count) =>
    Math.abs(n / count - size) < Math.abs(n / best - size) ? count : best,
  );
}

/** Cuts a list into `groupCount` groups, dealt in turn, so sizes differ by one at most. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = Array.from({ length: groupCount(items.length, size) }, () => []);
  items.forEach((item, index) => groups[index % groups.length]!.push(item));
  return groups.filter((group) => group.length > 0);
}

/** Random groups of about `size` people. */
export function randomGroups(
  members: readonly Member[],
  size: number,
  random: () => number,
): PlannedGroup[] {
  return chunk(shuffled(members, random), size).map((group) => ({
    members: group.map((m) => m.participantId),
    from: [...new Set(group.map((m) => m.groupId))],
  }));
}

/**
 * Groups of about `size` that mix profiles: people are dealt like cards, one profile after the
 * other, so each group gets as even a share of every profile as the numbers allow.
 */
export function balancedGroups(
  members: readonly Member[],
  size: number,
  random: () => number,
): PlannedGroup[] {
  const count = groupCount(members.length, size);
  const byProfile = new Map<string, Member[]>();
  for (const member of shuffled(members, random)) {
    const key = member.profile ?? '';
    byProfile.set(key, [...(byProfile.get(key) ?? []), member]);
  }
  // Largest profiles first, so the rarest ones are spread by the dealing order, not crowded.
  const order = [...byProfile.values()].sort((a, b) => b.length - a.length).flat();
  const groups: Member[][] = Array.from({ length: count }, () => []);
  order.forEach((member, index) => groups[index % groups.length]!.push(member));
  return groups
    .filter((group) => group.length > 0)
    .map((group) => ({
      members: group.map((m) => m.participantId),
      from: [...new Set(group.map((m) => m.groupId))],
    }));
}

/**
 * Tiers (1-2-4-All): the groups of the round that ends are joined two by two (solos into pairs,
 * pairs into fours), members and boards together; an odd group out joins the last new group.
 */
export function joinedGroups(
  members: readonly Member[],
  groupOrder: readonly string[],
): PlannedGroup[] {
  const byGroup = new Map<string, string[]>();
  for (const id of groupOrder) byGroup.set(id, []);
  for (const member of members) byGroup.get(member.groupId)?.push(member.participantId);
  const live = groupOrder.filter((id) => (byGroup.get(id)?.length ?? 0) > 0);
  const plans: PlannedGroup[] = [];
  for (let i = 0; i < live.length; i += 2) {
    const pair = live.slice(i, i + 2);
    plans.push({ members: pair.flatMap((id) => byGroup.get(id)!), from: pair });
  }
  const last = plans.at(-1);
  if (plans.length > 1 && last && last.from.length === 1) {
    plans.pop();
    const into = plans.at(-1)!;
    into.members.push(...last.members);
    into.from.push(...last.from);
  }
  return plans;
}

/**
 * World Café: every table keeps its board and its host; the others move on, each by a different
 * step (1, 2, 3… tables along) so that people who sat together are spread over the room.
 * `hosts` maps a table to its host; a table without one keeps its first member.
 */
export function rotateTables(
  members: readonly Member[],
  tables: readonly string[],
  hosts: ReadonlyMap<string, string>,
): PlannedGroup[] {
  const plans = new Map<string, PlannedGroup>(
    tables.map((table) => [table, { members: [], from: [table], keeps: table }]),
  );
  const atTable = new Map<string, Member[]>(tables.map((table) => [table, []]));
  for (const member of members) atTable.get(member.groupId)?.push(member);
  tables.forEach((table, index) => {
    const seated = atTable.get(table) ?? [];
    const host = hosts.get(table) ?? seated[0]?.participantId;
    const plan = plans.get(table)!;
    if (host !== undefined) plan.host = host;
    let step = 1;
    for (const member of seated) {
      if (member.participantId === host) {
        plan.members.push(member.participantId);
        continue;
      }
      const destination = tables[(index + step) % tables.length]!;
      plans.get(destination)!.members.push(member.participantId);
      step = (step % Math.max(1, tables.length - 1)) + 1;
    }
  });
  return [...plans.values()];
}
