// Group formation between rounds (issue 17): every plan seats everyone exactly once, and each
// method keeps its promise (sizes, profile mix, tiers joined two by two, tables keep host and board).
import { describe, expect, it } from 'vitest';
import {
  balancedGroups,
  chunk,
  joinedGroups,
  randomGroups,
  rotateTables,
  seededRandom,
  type Member,
  type PlannedGroup,
} from '../../shared/formation.js';

function people(
  count: number,
  groupOf: (i: number) => string,
  profileOf?: (i: number) => string,
): Member[] {
  return Array.from({ length: count }, (_, i) => ({
    participantId: `p${i}`,
    groupId: groupOf(i),
    ...(profileOf ? { profile: profileOf(i) } : {}),
  }));
}

function seatedOnce(plans: PlannedGroup[], members: Member[]) {
  const seated = plans.flatMap((plan) => plan.members).sort();
  expect(seated).toEqual(members.map((m) => m.participantId).sort());
}

describe('chunk', () => {
  it('never leaves one person alone when groups of two or more were asked for', () => {
    for (let n = 2; n <= 30; n++) {
      for (const size of [2, 3, 4, 6]) {
        const groups = chunk(
          Array.from({ length: n }, (_, i) => i),
          size,
        );
        if (n >= size) for (const g of groups) expect(g.length).toBeGreaterThan(1);
        expect(groups.flat().length).toBe(n);
      }
    }
  });
});

describe('random groups', () => {
  it('seats everyone once in groups of about the size asked, the same way for the same seed', () => {
    const members = people(23, () => 'g0');
    const plans = randomGroups(members, 4, seededRandom(7));
    seatedOnce(plans, members);
    for (const plan of plans) expect(plan.members.length).toBeGreaterThanOrEqual(3);
    expect(randomGroups(members, 4, seededRandom(7))).toEqual(plans);
    expect(randomGroups(members, 4, seededRandom(8))).not.toEqual(plans);
  });
});

describe('balanced groups', () => {
  it('gives every group a share of each profile as even as the numbers allow', () => {
    const profiles = ['élu·e', 'agent·e', 'habitant·e'];
    // 6 elected, 12 officers, 18 residents, in 6 groups of 6.
    const members = people(
      36,
      () => 'g0',
      (i) => profiles[i < 6 ? 0 : i < 18 ? 1 : 2]!,
    );
    const plans = balancedGroups(members, 6, seededRandom(1));
    seatedOnce(plans, members);
    expect(plans).toHaveLength(6);
    const profileOf = new Map(members.map((m) => [m.participantId, m.profile]));
    for (const plan of plans) {
      const counts = profiles.map(
        (p) => plan.members.filter((id) => profileOf.get(id) === p).length,
      );
      expect(counts).toEqual([1, 2, 3]);
    }
  });
});

describe('tiers (1-2-4-All)', () => {
  it('joins solos into pairs and pairs into fours, members and boards together', () => {
    const solos = people(8, (i) => `solo${i}`);
    const pairs = joinedGroups(
      solos,
      solos.map((m) => m.groupId),
    );
    expect(pairs).toHaveLength(4);
    expect(pairs[0]).toEqual({ members: ['p0', 'p1'], from: ['solo0', 'solo1'] });
    const inPairs = solos.map((m, i) => ({ ...m, groupId: `pair${Math.floor(i / 2)}` }));
    const fours = joinedGroups(inPairs, ['pair0', 'pair1', 'pair2', 'pair3']);
    expect(fours.map((f) => f.from)).toEqual([
      ['pair0', 'pair1'],
      ['pair2', 'pair3'],
    ]);
    seatedOnce(fours, solos);
  });

  it('an odd group out joins the last new group rather than staying alone', () => {
    const solos = people(5, (i) => `solo${i}`);
    const pairs = joinedGroups(
      solos,
      solos.map((m) => m.groupId),
    );
    expect(pairs.map((p) => p.members.length)).toEqual([2, 3]);
    seatedOnce(pairs, solos);
  });
});

describe('World Café rotation', () => {
  it('keeps every table, its board and its host; everyone else changes table', () => {
    const tables = ['t0', 't1', 't2', 't3'];
    const members = people(16, (i) => tables[i % 4]!);
    const hosts = new Map(tables.map((t, i) => [t, `p${i}`]));
    const plans = rotateTables(members, tables, hosts);
    seatedOnce(plans, members);
    expect(plans.map((p) => p.keeps)).toEqual(tables);
    for (const [index, plan] of plans.entries()) {
      expect(plan.host).toBe(`p${index}`);
      expect(plan.members).toContain(`p${index}`);
    }
    const before = new Map(members.map((m) => [m.participantId, m.groupId]));
    for (const plan of plans)
      for (const id of plan.members)
        if (id !== plan.host) expect(before.get(id)).not.toBe(plan.keeps);
  });

  it('spreads people who sat together over several tables', () => {
    const tables = ['t0', 't1', 't2', 't3'];
    const members = people(16, (i) => tables[i % 4]!);
    const plans = rotateTables(members, tables, new Map());
    const destinations = new Set(
      plans
        .filter((p) => p.members.some((id) => ['p4', 'p8', 'p12'].includes(id)))
        .map((p) => p.keeps),
    );
    expect(destinations.size).toBe(3);
  });
});
