// Whether the console may work with the key it was opened with: accepted once the server says it
// is this workshop's facilitator key, refused (once, with the reason) otherwise.

export type Refusal = 'unauthorized' | 'viewer' | 'participant' | 'otherWorkshop';

/** What the control session has learnt so far about the key. */
export interface KeyStanding {
  refused: 'unauthorized' | 'participant' | null;
  role: 'facilitator' | 'viewer' | null;
  workshopId: string | null;
}

/** The verdict on the key so far: accepted, refused with a reason, or not known yet (null). */
export function keyVerdict(standing: KeyStanding, workshopId: string): 'accepted' | Refusal | null {
  if (standing.refused) return standing.refused;
  if (standing.role === 'viewer') return 'viewer';
  if (standing.role === 'facilitator' && standing.workshopId)
    return standing.workshopId === workshopId ? 'accepted' : 'otherWorkshop';
  return null;
}

/** Says the verdict to the page once: the first refusal, and the acceptance once. */
export function createKeyGate(handlers: {
  onAccepted: () => void;
  onRefused: (reason: Refusal) => void;
}) {
  let refused = false;
  let accepted = false;
  const refuse = (reason: Refusal) => {
    if (refused) return;
    refused = true;
    handlers.onRefused(reason);
  };
  return {
    refuse,
    observe(verdict: 'accepted' | Refusal | null) {
      if (verdict === null) return;
      if (verdict !== 'accepted') refuse(verdict);
      else if (!accepted) {
        accepted = true;
        handlers.onAccepted();
      }
    },
  };
}
