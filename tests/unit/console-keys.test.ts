// Moving between the console's cards from the keyboard (client/lib/cardnav.ts) and the verdict
// on the key the console was opened with (client/lib/consolegate.ts).
import { describe, expect, it } from 'vitest';
import { isCardMove, moveCard } from '../../client/lib/cardnav.js';
import { createKeyGate, keyVerdict, type Refusal } from '../../client/lib/consolegate.js';

describe('moving between cards with the keys', () => {
  const lengths = [3, 0, 2, 1];

  it('goes up and down a column, and to its ends with Home and End', () => {
    expect(moveCard('ArrowDown', { column: 0, row: 0 }, lengths)).toEqual({ column: 0, row: 1 });
    expect(moveCard('ArrowUp', { column: 0, row: 1 }, lengths)).toEqual({ column: 0, row: 0 });
    expect(moveCard('ArrowUp', { column: 0, row: 0 }, lengths)).toBeNull();
    expect(moveCard('ArrowDown', { column: 0, row: 2 }, lengths)).toBeNull();
    expect(moveCard('End', { column: 0, row: 0 }, lengths)).toEqual({ column: 0, row: 2 });
    expect(moveCard('Home', { column: 0, row: 2 }, lengths)).toEqual({ column: 0, row: 0 });
  });

  it('crosses to the next column with cards, at the same height or its last card', () => {
    expect(moveCard('ArrowRight', { column: 0, row: 2 }, lengths)).toEqual({ column: 2, row: 1 });
    expect(moveCard('ArrowRight', { column: 2, row: 1 }, lengths)).toEqual({ column: 3, row: 0 });
    expect(moveCard('ArrowLeft', { column: 2, row: 0 }, lengths)).toEqual({ column: 0, row: 0 });
    expect(moveCard('ArrowRight', { column: 3, row: 0 }, lengths)).toBeNull();
    expect(moveCard('ArrowLeft', { column: 0, row: 0 }, lengths)).toBeNull();
  });

  it('knows which keys move', () => {
    expect(isCardMove('ArrowLeft')).toBe(true);
    expect(isCardMove('Enter')).toBe(false);
  });
});

describe('the verdict on the console’s key', () => {
  const standing = (over: Partial<Parameters<typeof keyVerdict>[0]>) => ({
    refused: null,
    role: null,
    workshopId: null,
    ...over,
  });

  it('waits, accepts this workshop’s facilitator key, refuses the others with their reason', () => {
    expect(keyVerdict(standing({}), 'w1')).toBeNull();
    expect(keyVerdict(standing({ role: 'facilitator', workshopId: 'w1' }), 'w1')).toBe('accepted');
    expect(keyVerdict(standing({ role: 'facilitator', workshopId: 'w2' }), 'w1')).toBe(
      'otherWorkshop',
    );
    expect(keyVerdict(standing({ role: 'viewer', workshopId: 'w1' }), 'w1')).toBe('viewer');
    expect(keyVerdict(standing({ refused: 'participant' }), 'w1')).toBe('participant');
  });

  it('tells the page once: the first refusal only, the acceptance once', () => {
    const said: string[] = [];
    const gate = createKeyGate({
      onAccepted: () => said.push('accepted'),
      onRefused: (reason: Refusal) => said.push(reason),
    });
    gate.observe(null);
    gate.observe('accepted');
    gate.observe('accepted');
    gate.refuse('unauthorized');
    gate.observe('viewer');
    expect(said).toEqual(['accepted', 'unauthorized']);
  });
});
