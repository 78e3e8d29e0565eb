// The one rule of who reads whose name (issue 16), checked for every mode and reader.
import { describe, expect, it } from 'vitest';
import { awarenessName, mayReadName, nameFor, pseudonym } from '../../shared/anonymity.js';

const alice = { id: 'p-alice', name: 'Alice Martin', ordinal: 0 };

describe('who may read a name', () => {
  it('in a named workshop everyone reads every name', () => {
    expect(mayReadName('named', { role: 'participant', participantId: 'p-bob' }, alice.id)).toBe(
      true,
    );
    expect(mayReadName('named', { role: 'screen' }, alice.id)).toBe(true);
  });

  it('hidden from peers: only the facilitator and the person themself read it', () => {
    expect(mayReadName('peers', { role: 'participant', participantId: 'p-bob' }, alice.id)).toBe(
      false,
    );
    expect(mayReadName('peers', { role: 'screen' }, alice.id)).toBe(false);
    expect(mayReadName('peers', { role: 'facilitator' }, alice.id)).toBe(true);
    expect(mayReadName('peers', { role: 'participant', participantId: alice.id }, alice.id)).toBe(
      true,
    );
  });

  it('hidden from everyone: not even the facilitator, but still the person themself', () => {
    expect(mayReadName('everyone', { role: 'facilitator' }, alice.id)).toBe(false);
    expect(
      mayReadName('everyone', { role: 'participant', participantId: alice.id }, alice.id),
    ).toBe(true);
  });
});

describe('pseudonyms', () => {
  it('are animals in the workshop’s language, numbered once the list runs out, and stable', () => {
    expect(pseudonym(0, 'fr')).toBe('Loutre');
    expect(pseudonym(0, 'en')).toBe('Otter');
    expect(pseudonym(24, 'fr')).toBe('Loutre 2');
    expect(pseudonym(1, 'fr')).toBe(pseudonym(1, 'fr'));
    const first60 = new Set(Array.from({ length: 60 }, (_, i) => pseudonym(i, 'fr')));
    expect(first60.size).toBe(60);
  });

  it('stand in for the name wherever it may not be read', () => {
    const bob = { role: 'participant', participantId: 'p-bob' } as const;
    expect(nameFor('peers', bob, alice, 'fr')).toBe('Loutre');
    expect(nameFor('named', bob, alice, 'fr')).toBe('Alice Martin');
    expect(nameFor('everyone', { role: 'facilitator' }, alice, 'en')).toBe('Otter');
  });

  it('awareness, shared by every reader, carries the pseudonym in any anonymous mode', () => {
    expect(awarenessName('named', alice, 'fr')).toBe('Alice Martin');
    expect(awarenessName('peers', alice, 'fr')).toBe('Loutre');
    expect(awarenessName('everyone', alice, 'fr')).toBe('Loutre');
  });
});
