// Write rights of the Yjs documents (canWrite in server/services/workshops.ts), checked on every
// sync-step-2 and update message.
import { describe, expect, it } from 'vitest';
import type { Phase } from '../../shared/phases.js';
import { PHASES } from '../../shared/phases.js';
import {
  canWrite,
  writingFrozen,
  type LiveWorkshop,
  type Principal,
} from '../../server/services/workshops.js';

function workshop(phase: Phase): LiveWorkshop {
  return {
    record: {
      id: 'w1',
      code: 'ACDEFG',
      title: 'Atelier',
      language: 'fr',
      voteBudget: 5,
      phase,
      timerEndsAt: null,
      timerFreeze: false,
      votesRevealed: false,
      groupChoiceLocked: false,
      joiningLocked: false,
      facilitatorKeyHash: 'hash',
      screenKeyHash: null,
      createdAt: 0,
    },
    groups: [
      { id: 'gA', workshopId: 'w1', name: 'A', prompt: '', position: 0 },
      { id: 'gB', workshopId: 'w1', name: 'B', prompt: '', position: 1 },
    ],
    participants: new Map([
      [
        'pA',
        { id: 'pA', workshopId: 'w1', groupId: 'gA', name: 'Ana', tokenHash: 'h1', createdAt: 0 },
      ],
    ]),
  };
}

const facilitator: Principal = { role: 'facilitator', workshopId: 'w1' };
const memberOfA: Principal = { role: 'participant', workshopId: 'w1', participantId: 'pA' };
const groupA = { kind: 'group', groupId: 'gA' } as const;
const groupB = { kind: 'group', groupId: 'gB' } as const;
const plenary = { kind: 'plenary' } as const;

describe('canWrite', () => {
  const open = PHASES.filter((p) => p !== 'closed');

  it('a participant writes their own group document in every phase but vote and closed', () => {
    for (const phase of open.filter((p) => p !== 'vote'))
      expect(canWrite(workshop(phase), memberOfA, groupA), phase).toBe(true);
  });

  it('while the group votes, its cards hold still for participants, not for the facilitator', () => {
    const w = workshop('vote');
    expect(canWrite(w, memberOfA, groupA)).toBe(false);
    for (const doc of [groupA, groupB, plenary]) expect(canWrite(w, facilitator, doc)).toBe(true);
  });

  it('a removed participant (gone from the workshop) writes nothing, in any phase', () => {
    for (const phase of PHASES) {
      const w = workshop(phase);
      w.participants.delete('pA');
      expect(canWrite(w, memberOfA, groupA), phase).toBe(false);
    }
  });

  it("a participant never writes another group's document", () => {
    for (const phase of PHASES)
      expect(canWrite(workshop(phase), memberOfA, groupB), phase).toBe(false);
  });

  it('a participant never writes the plenary', () => {
    for (const phase of PHASES)
      expect(canWrite(workshop(phase), memberOfA, plenary), phase).toBe(false);
  });

  it('the facilitator writes every document in every phase but closed', () => {
    for (const phase of open) {
      for (const doc of [groupA, groupB, plenary])
        expect(canWrite(workshop(phase), facilitator, doc)).toBe(true);
    }
  });

  it('in phase closed nobody writes anything, not even the facilitator', () => {
    const w = workshop('closed');
    for (const principal of [facilitator, memberOfA]) {
      for (const doc of [groupA, groupB, plenary]) expect(canWrite(w, principal, doc)).toBe(false);
    }
  });

  it('a participant the workshop does not know writes nothing', () => {
    const stranger: Principal = { role: 'participant', workshopId: 'w1', participantId: 'ghost' };
    expect(canWrite(workshop('write'), stranger, groupA)).toBe(false);
  });

  it('a participant moved to another group writes there and no longer in their old group', () => {
    const w = workshop('write');
    w.participants.set('pA', { ...w.participants.get('pA')!, groupId: 'gB' });
    expect(canWrite(w, memberOfA, groupB)).toBe(true);
    expect(canWrite(w, memberOfA, groupA)).toBe(false);
  });

  it('when a freezing timer has run out, participants stop writing but the facilitator does not', () => {
    const w = workshop('write');
    w.record.timerEndsAt = 1_000;
    w.record.timerFreeze = true;
    expect(canWrite(w, memberOfA, groupA, 999)).toBe(true);
    expect(canWrite(w, memberOfA, groupA, 1_000)).toBe(false);
    expect(canWrite(w, facilitator, groupA, 5_000)).toBe(true);
    expect(canWrite(w, facilitator, plenary, 5_000)).toBe(true);
    expect(writingFrozen(w.record, 1_000)).toBe(true);
  });

  it('a timer that runs out without freeze, or no timer at all, never stops anyone', () => {
    const w = workshop('write');
    w.record.timerEndsAt = 1_000;
    expect(canWrite(w, memberOfA, groupA, 5_000)).toBe(true);
    w.record.timerFreeze = true;
    w.record.timerEndsAt = null;
    expect(canWrite(w, memberOfA, groupA, 5_000)).toBe(true);
    expect(writingFrozen(w.record, 5_000)).toBe(false);
  });
});
