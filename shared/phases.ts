// The phases of a workshop, in their usual order. The facilitator may jump to any of them.
export const PHASES = ['lobby', 'write', 'vote', 'merge', 'prioritise', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

/** Phases in which dot votes are cast, each with its own budget. */
export const VOTING_PHASES = ['vote', 'prioritise'] as const satisfies readonly Phase[];
export type VotingPhase = (typeof VOTING_PHASES)[number];

export function isVotingPhase(phase: Phase): phase is VotingPhase {
  return (VOTING_PHASES as readonly Phase[]).includes(phase);
}
