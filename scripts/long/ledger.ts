// What a voter knows of their own dots: the ones the server acknowledged, and the ones whose
// answer never came (the server died, or the socket dropped, between the cast and the ack) and
// may or may not be stored. A check compares what is stored with that knowledge.

export type Outcome = 'ok' | 'refused' | 'unknown';

export interface PendingVote {
  targetId: string;
  delta: 1 | -1;
  /** 'absorbed': a rebase already took the stored truth into account; its late answer is ignored. */
  state: 'pending' | 'settled' | 'absorbed';
}

export class VoteLedger {
  /** Dots per target as acknowledged by the server. */
  confirmed: Record<string, number> = {};
  private pending = new Set<PendingVote>();
  private unknown: PendingVote[] = [];
  counts = { cast: 0, ok: 0, refused: 0, unknown: 0 };

  send(targetId: string, delta: 1 | -1): PendingVote {
    const vote: PendingVote = { targetId, delta, state: 'pending' };
    this.pending.add(vote);
    this.counts.cast++;
    return vote;
  }

  settle(vote: PendingVote, outcome: Outcome): void {
    if (vote.state !== 'pending') return;
    vote.state = 'settled';
    this.pending.delete(vote);
    this.counts[outcome]++;
    if (outcome === 'ok')
      this.confirmed[vote.targetId] = (this.confirmed[vote.targetId] ?? 0) + vote.delta;
    else if (outcome === 'unknown') this.unknown.push(vote);
  }

  /** Casts whose outcome is not known: waiting for an answer, or never answered. */
  get uncertain(): number {
    return this.pending.size + this.unknown.length;
  }

  /**
   * What is wrong with `stored` (the voter's dots in the store): an acknowledged dot missing, a
   * dot nobody cast (or one refused) present, or the budget exceeded. Empty when all is well.
   */
  check(stored: Record<string, number>, budget: number): string[] {
    const problems: string[] = [];
    const uncertain = [...this.unknown, ...this.pending];
    const targets = new Set([
      ...Object.keys(this.confirmed),
      ...Object.keys(stored),
      ...uncertain.map((v) => v.targetId),
    ]);
    for (const t of targets) {
      const base = this.confirmed[t] ?? 0;
      const mine = uncertain.filter((v) => v.targetId === t);
      const lo = base + mine.filter((v) => v.delta < 0).length * -1;
      const hi = base + mine.filter((v) => v.delta > 0).length;
      const got = stored[t] ?? 0;
      if (got < lo || got > hi)
        problems.push(`${t}: stored ${got}, acknowledged ${base}, unanswered ${mine.length}`);
    }
    const total = Object.values(stored).reduce((s, n) => s + n, 0);
    if (total > budget) problems.push(`budget exceeded: ${total} dots for a budget of ${budget}`);
    if (Object.values(stored).some((n) => n < 0)) problems.push('a negative count');
    return problems;
  }

  /** After a check: the stored dots become the truth, unanswered casts are resolved by them. */
  rebase(stored: Record<string, number>): void {
    this.confirmed = Object.fromEntries(Object.entries(stored).filter(([, n]) => n !== 0));
    this.unknown = [];
    for (const vote of this.pending) vote.state = 'absorbed';
    this.pending.clear();
  }
}
