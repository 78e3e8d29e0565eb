// The realistic workshop of the fixture (6 groups, 60 participants, 46 recommendations in French),
// stretched to any number of groups and participants by cycling through it.
import { loadResilienceFixture, type ResilienceFixture } from '../../server/demo/fixture.js';

export type Fixture = ResilienceFixture;

/** The repository's one copy (server/demo/fixture.ts). */
export function loadFixture(): Fixture {
  return loadResilienceFixture();
}

/** Group names for `count` groups: the fixture's, numbered once they repeat. */
export function groupNames(fixture: Fixture, count: number): string[] {
  return Array.from({ length: count }, (_, g) => {
    const base = fixture.groups[g % fixture.groups.length]!.name;
    const round = Math.floor(g / fixture.groups.length);
    return round === 0 ? base : `${base.slice(0, 50)} (${round + 1})`;
  });
}

export function participantName(fixture: Fixture, i: number): string {
  const base = fixture.participants[i % fixture.participants.length]!.name;
  const round = Math.floor(i / fixture.participants.length);
  return round === 0 ? base : `${base} ${round + 1}`;
}

/** The recommendations of group `g`: those of the fixture group it is a copy of. */
export function recommendationsOf(fixture: Fixture, g: number) {
  const key = fixture.groups[g % fixture.groups.length]!.key;
  return fixture.recommendations.filter((r) => r.group === key);
}
