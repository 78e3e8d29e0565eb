// The participant's dots: each cast shows at once (optimistically) and is settled by the server's
// answer; the dots left and a card's own dots count those still in flight.
import { t } from '../../lib/i18n.svelte.js';
import type { CastResult, Session, SessionError } from '../../lib/session.svelte.js';

/** Why a dot was refused, in words. */
export function voteMessage(code: SessionError): string {
  switch (code) {
    case 'budget_exhausted':
    case 'voting_closed':
    case 'not_found':
    case 'forbidden':
    case 'invalid_payload':
    case 'timeout':
    case 'offline':
      return t(`votes.errors.${code}`);
    default:
      return t('votes.errors.other', { code });
  }
}

export class OptimisticVotes {
  /** Dots sent and not yet answered, per target (negative for a dot being taken back). */
  private inFlight = $state<Record<string, number>>({});

  constructor(
    private readonly session: Pick<Session, 'mine' | 'castVote'>,
    private readonly budget: number,
  ) {}

  get remaining(): number {
    const pending = Object.values(this.inFlight).reduce((sum, n) => sum + n, 0);
    return Math.max(0, (this.session.mine?.remaining ?? this.budget) - pending);
  }

  mine(targetId: string): number {
    return (this.session.mine?.votes[targetId] ?? 0) + (this.inFlight[targetId] ?? 0);
  }

  /** Casts one dot (or takes one back); shown at once unless sure to be refused. */
  async cast(targetId: string, delta: 1 | -1): Promise<CastResult> {
    const optimistic = delta === -1 ? this.mine(targetId) > 0 : this.remaining > 0;
    if (optimistic) this.inFlight[targetId] = (this.inFlight[targetId] ?? 0) + delta;
    const result = await this.session.castVote(targetId, delta);
    if (optimistic) {
      const next = (this.inFlight[targetId] ?? 0) - delta;
      if (next === 0) delete this.inFlight[targetId];
      else this.inFlight[targetId] = next;
    }
    return result;
  }
}
