// The crash suite, small: the long run's code (scripts/long/crash-run.ts) with three SIGKILLs of a
// child server during a workshop that co-writes and votes. Nothing another client saw may be
// missing from the database at any crash, every replica converges, a fresh server serves what
// they hold, and every acknowledged dot is stored within budget. No timing is asserted.
import { describe, expect, it } from 'vitest';
import { CRASH_DEFAULTS, runCrash } from '../../scripts/long/crash-run.js';

describe('crash suite', () => {
  it('three SIGKILLs during a workshop lose no edit another client saw and no acknowledged dot', async () => {
    const summary = await runCrash({
      ...CRASH_DEFAULTS,
      kills: 3,
      writeGroups: 2,
      writePerGroup: 3,
      voteGroups: 1,
      votePerGroup: 3,
      gapMs: [300, 1200],
      // One kill in three strikes while clients are still reconnecting.
      earlyKillRate: 0.34,
      // The server comes back at once: clients retry within 0.5 s instead of the page's 3–6 s.
      backoff: { yjsCeilingMs: () => 500, socketDelayMs: 100, socketDelayMaxMs: 500 },
    });
    expect(summary.rounds).toHaveLength(3);
    // The run did something worth checking: edits flowed between clients before the kills,
    // dots were acknowledged.
    expect(summary.rounds.reduce((s, r) => s + r.observedItems, 0)).toBeGreaterThan(0);
    expect(summary.finalItems).toBeGreaterThan(0);
    expect(summary.votes.ok).toBeGreaterThan(0);
    expect(summary.voteProblems).toEqual([]);
    expect(summary.lost).toBe(0);
    expect(summary.diverged).toBe(0);
    expect(summary.mismatched).toBe(0);
    expect(summary.serverErrors).toEqual([]);
    expect(summary.ok).toBe(true);
  }, 120_000);
});
