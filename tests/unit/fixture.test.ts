// The demo workshop and the suggestion tests read the repository's copy of the shared fixture
// (server/demo/), since CI clones the repository alone. When ../shared is beside the checkout,
// the copy must be the same file.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResilienceFixture, RESILIENCE_FIXTURE_FILE } from '../../server/demo/fixture.js';

describe('the resilience fixture', () => {
  it('the repository’s copy parses and holds 6 groups, 60 people, 46 recommendations', () => {
    const fixture = loadResilienceFixture();
    expect([
      fixture.groups.length,
      fixture.participants.length,
      fixture.recommendations.length,
    ]).toEqual([6, 60, 46]);
  });

  it('is identical to ../shared/fixtures when that folder is beside the checkout', () => {
    const copy = readFileSync(RESILIENCE_FIXTURE_FILE, 'utf8');
    const shared = path.resolve('..', 'shared', 'fixtures', 'workshop-resilience.fr.json');
    const reference = existsSync(shared) ? readFileSync(shared, 'utf8') : copy;
    expect(JSON.parse(copy)).toEqual(JSON.parse(reference));
  });
});
