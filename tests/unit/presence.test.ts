// Presence deltas (an extension of workshop:state): how a client merges presence:delta upserts
// into its last full state, and which handshakes opt in.
import { describe, expect, it } from 'vitest';
import { applyPresenceDelta } from '../../shared/presence.js';
import type { ParticipantPresence, WorkshopState } from '../../shared/protocol.js';
import { handshakeOptions } from '../../shared/schemas.js';

const ana: ParticipantPresence = {
  participantId: 'ana',
  name: 'Ana',
  groupId: 'g1',
  online: false,
};
const bruno: ParticipantPresence = {
  participantId: 'bruno',
  name: 'Bruno',
  groupId: 'g2',
  online: true,
};

function stateWith(participants: ParticipantPresence[]): WorkshopState {
  return {
    phase: 'write',
    timer: { endsAt: 123, freezeAtZero: false },
    serverNow: 1000,
    votesRevealed: false,
    groupChoiceLocked: false,
    joiningLocked: false,
    groups: [
      { id: 'g1', name: 'A', prompt: '' },
      { id: 'g2', name: 'B', prompt: '' },
    ],
    participants,
  };
}

describe('applyPresenceDelta', () => {
  it('a participant coming online is replaced where they stand; the others and the record are kept', () => {
    const before = stateWith([ana, bruno]);
    const after = applyPresenceDelta(before, { participants: [{ ...ana, online: true }] });
    expect(after.participants).toEqual([{ ...ana, online: true }, bruno]);
    expect({ ...after, participants: [] }).toEqual({ ...before, participants: [] });
  });

  it('a participant going offline is marked offline, not removed', () => {
    const after = applyPresenceDelta(stateWith([ana, bruno]), {
      participants: [{ ...bruno, online: false }],
    });
    expect(after.participants).toEqual([ana, { ...bruno, online: false }]);
  });

  it('a participant who just joined is appended, after everyone already known', () => {
    const chloe = { participantId: 'chloe', name: 'Chloé', groupId: 'g1', online: false };
    const after = applyPresenceDelta(stateWith([ana, bruno]), { participants: [chloe] });
    expect(after.participants).toEqual([ana, bruno, chloe]);
  });

  it('a moved participant takes the group of the delta', () => {
    const after = applyPresenceDelta(stateWith([ana, bruno]), {
      participants: [{ ...ana, groupId: 'g2' }],
    });
    expect(after.participants[0]).toEqual({ ...ana, groupId: 'g2' });
  });

  it('several changes in one delta all apply, the last entry of a repeated id winning', () => {
    const chloe = { participantId: 'chloe', name: 'Chloé', groupId: 'g2', online: true };
    const after = applyPresenceDelta(stateWith([ana, bruno]), {
      participants: [
        { ...ana, online: true },
        chloe,
        { ...bruno, online: false },
        { ...ana, online: false, groupId: 'g2' },
      ],
    });
    expect(after.participants).toEqual([
      { ...ana, online: false, groupId: 'g2' },
      { ...bruno, online: false },
      chloe,
    ]);
  });

  it('returns a new state and a new list, and leaves the one it was given untouched (runes see the change)', () => {
    const before = stateWith([ana, bruno]);
    const frozen = structuredClone(before);
    const after = applyPresenceDelta(before, { participants: [{ ...ana, online: true }] });
    expect(after).not.toBe(before);
    expect(after.participants).not.toBe(before.participants);
    expect(before).toEqual(frozen);
  });

  it('an entry of the result is not the object of the delta (a later change to one cannot reach the other)', () => {
    const entry = { ...ana, online: true };
    const after = applyPresenceDelta(stateWith([ana]), { participants: [entry] });
    entry.online = false;
    expect(after.participants[0]?.online).toBe(true);
  });

  it('an empty delta changes nothing', () => {
    const before = stateWith([ana, bruno]);
    expect(applyPresenceDelta(before, { participants: [] })).toEqual(before);
  });
});

describe('the handshake options', () => {
  const presenceOf = (auth: unknown) => {
    const parsed = handshakeOptions.safeParse(auth);
    return parsed.success ? parsed.data.presence : 'not an object';
  };

  it('presence "delta" opts in', () => {
    expect(presenceOf({ token: 't', presence: 'delta' })).toBe('delta');
  });

  it('no presence, or any other value, reads as absent and is never an error', () => {
    for (const presence of [undefined, null, 'full', 'DELTA', 42, true, {}, ['delta']]) {
      expect(handshakeOptions.safeParse({ token: 't', presence }).success, String(presence)).toBe(
        true,
      );
      expect(presenceOf({ token: 't', presence }), JSON.stringify(presence)).toBeUndefined();
    }
    expect(presenceOf({ token: 't' })).toBeUndefined();
  });

  it('an auth that is not an object does not parse (the server then treats the socket as stock)', () => {
    for (const auth of [undefined, null, 'delta', 7])
      expect(presenceOf(auth)).toBe('not an object');
  });
});
