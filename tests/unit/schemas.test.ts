// The zod schemas of shared/schemas.ts: what each boundary accepts, what it refuses, and which
// field a refusal names.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { LIMITS } from '../../shared/limits.js';
import { PHASES } from '../../shared/phases.js';
import {
  createWorkshopBody,
  describeZodError,
  joinBody,
  participantMovePayload,
  phaseSetPayload,
  snapshotBody,
  timerStartPayload,
  timerStopPayload,
  voteCastPayload,
  votesRevealPayload,
  workshopSettingsPayload,
} from '../../shared/schemas.js';

/** The field a refusal names, or null when the input is accepted. */
function refusedField(schema: z.ZodType, input: unknown): string | null {
  const parsed = schema.safeParse(input);
  return parsed.success ? null : describeZodError(parsed.error).field;
}

describe('creating a workshop', () => {
  it('a title and one group are enough; the budget defaults to 5 and the language to French', () => {
    const parsed = createWorkshopBody.parse({ title: 'Résilience', groups: ['A'] });
    expect(parsed).toEqual({ title: 'Résilience', groups: ['A'], voteBudget: 5, language: 'fr' });
  });

  it('titles and group names are trimmed', () => {
    const parsed = createWorkshopBody.parse({
      title: '  Résilience ',
      groups: [' A  '],
      language: 'en',
    });
    expect(parsed.title).toBe('Résilience');
    expect(parsed.groups).toEqual(['A']);
    expect(parsed.language).toBe('en');
  });

  it('a missing, empty or blank title is refused, naming title', () => {
    expect(refusedField(createWorkshopBody, { groups: ['A'] })).toBe('title');
    expect(refusedField(createWorkshopBody, { title: '', groups: ['A'] })).toBe('title');
    expect(refusedField(createWorkshopBody, { title: '   ', groups: ['A'] })).toBe('title');
    expect(refusedField(createWorkshopBody, { title: 42, groups: ['A'] })).toBe('title');
  });

  it(`a title of ${LIMITS.workshopTitle} characters passes and one more is refused`, () => {
    const ok = 'x'.repeat(LIMITS.workshopTitle);
    expect(refusedField(createWorkshopBody, { title: ok, groups: ['A'] })).toBeNull();
    expect(refusedField(createWorkshopBody, { title: `${ok}x`, groups: ['A'] })).toBe('title');
  });

  it('between 1 and 50 groups are accepted; 0 or 51 are refused, naming groups', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `G${i}`);
    expect(refusedField(createWorkshopBody, { title: 't', groups: [] })).toBe('groups');
    expect(refusedField(createWorkshopBody, { title: 't', groups: names(50) })).toBeNull();
    expect(refusedField(createWorkshopBody, { title: 't', groups: names(51) })).toBe('groups');
    expect(refusedField(createWorkshopBody, { title: 't' })).toBe('groups');
    expect(refusedField(createWorkshopBody, { title: 't', groups: 'A' })).toBe('groups');
  });

  it('an empty or too long group name is refused, naming its position', () => {
    expect(refusedField(createWorkshopBody, { title: 't', groups: ['A', ' '] })).toBe('groups.1');
    expect(
      refusedField(createWorkshopBody, { title: 't', groups: ['x'.repeat(LIMITS.groupName)] }),
    ).toBeNull();
    expect(
      refusedField(createWorkshopBody, { title: 't', groups: ['x'.repeat(LIMITS.groupName + 1)] }),
    ).toBe('groups.0');
  });

  it('a group may also be given as its name and the question it works on', () => {
    const parsed = createWorkshopBody.parse({
      title: 't',
      groups: ['A', { name: ' B ', prompt: ' Comment ? ' }, { name: 'C' }],
    });
    expect(parsed.groups).toEqual([
      'A',
      { name: 'B', prompt: 'Comment ?' },
      { name: 'C', prompt: '' },
    ]);
    expect(
      refusedField(createWorkshopBody, {
        title: 't',
        groups: [{ name: 'A', prompt: 'x'.repeat(LIMITS.groupPrompt + 1) }],
      }),
    ).toMatch(/^groups\.0/);
    expect(
      refusedField(createWorkshopBody, { title: 't', groups: [{ prompt: 'Comment ?' }] }),
    ).toMatch(/^groups\.0/);
  });

  it('a vote budget must be a whole number from 1 to 99', () => {
    const body = (voteBudget: unknown) => ({ title: 't', groups: ['A'], voteBudget });
    expect(refusedField(createWorkshopBody, body(1))).toBeNull();
    expect(refusedField(createWorkshopBody, body(99))).toBeNull();
    for (const bad of [0, 100, -1, 2.5, '5', null]) {
      expect(refusedField(createWorkshopBody, body(bad)), String(bad)).toBe('voteBudget');
    }
  });

  it('only French and English are languages', () => {
    expect(refusedField(createWorkshopBody, { title: 't', groups: ['A'], language: 'de' })).toBe(
      'language',
    );
  });

  it('an unknown field is refused rather than silently dropped', () => {
    expect(
      refusedField(createWorkshopBody, { title: 't', groups: ['A'], admin: true }),
    ).not.toBeNull();
  });

  it('a refusal message starts with the field it names', () => {
    const parsed = createWorkshopBody.safeParse({ title: 't', groups: [], voteBudget: 5 });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const { field, message } = describeZodError(parsed.error);
    expect(field).toBe('groups');
    expect(message.startsWith('groups: ')).toBe(true);
  });

  it('a body that is not an object is refused as a whole', () => {
    expect(refusedField(createWorkshopBody, [])).toBe('(body)');
    expect(refusedField(createWorkshopBody, 'title')).toBe('(body)');
    expect(refusedField(createWorkshopBody, null)).toBe('(body)');
  });
});

describe('joining a workshop', () => {
  it('a name of 1 to 60 characters is accepted, trimmed, with an optional group', () => {
    expect(joinBody.parse({ name: ' Camille ' })).toEqual({ name: 'Camille' });
    expect(joinBody.parse({ name: 'Camille', groupId: 'g1' })).toEqual({
      name: 'Camille',
      groupId: 'g1',
    });
    expect(refusedField(joinBody, { name: 'x'.repeat(LIMITS.participantName) })).toBeNull();
  });

  it('an empty name or a name of 61 characters is refused, naming name', () => {
    expect(refusedField(joinBody, {})).toBe('name');
    expect(refusedField(joinBody, { name: '' })).toBe('name');
    expect(refusedField(joinBody, { name: '  ' })).toBe('name');
    expect(refusedField(joinBody, { name: 'x'.repeat(61) })).toBe('name');
  });

  it('an empty or non-string groupId is refused, naming groupId', () => {
    expect(refusedField(joinBody, { name: 'a', groupId: '' })).toBe('groupId');
    expect(refusedField(joinBody, { name: 'a', groupId: 3 })).toBe('groupId');
    expect(refusedField(joinBody, { name: 'a', groupId: 'x'.repeat(65) })).toBe('groupId');
  });
});

describe('snapshot labels', () => {
  it('a label of 1 to 120 characters is accepted; empty or longer is refused', () => {
    expect(refusedField(snapshotBody, { label: 'Avant la pause' })).toBeNull();
    expect(refusedField(snapshotBody, { label: '' })).toBe('label');
    expect(refusedField(snapshotBody, { label: 'x'.repeat(LIMITS.snapshotLabel + 1) })).toBe(
      'label',
    );
  });
});

describe('Socket.IO payloads', () => {
  it('a vote is a target id and a delta of +1 or -1', () => {
    expect(refusedField(voteCastPayload, { targetId: 'g/r', delta: 1 })).toBeNull();
    expect(refusedField(voteCastPayload, { targetId: 'g/r', delta: -1 })).toBeNull();
    for (const delta of [0, 2, -2, '1', 0.5]) {
      expect(refusedField(voteCastPayload, { targetId: 'g/r', delta }), String(delta)).toBe(
        'delta',
      );
    }
    expect(refusedField(voteCastPayload, { targetId: '', delta: 1 })).toBe('targetId');
    expect(refusedField(voteCastPayload, { targetId: 'x'.repeat(201), delta: 1 })).toBe('targetId');
    expect(refusedField(voteCastPayload, { delta: 1 })).toBe('targetId');
    expect(refusedField(voteCastPayload, { targetId: 'g/r', delta: 1, weight: 3 })).not.toBeNull();
  });

  it('every phase of the workshop can be set, and nothing else', () => {
    for (const phase of PHASES) expect(refusedField(phaseSetPayload, { phase })).toBeNull();
    expect(PHASES).toEqual(['lobby', 'write', 'vote', 'merge', 'prioritise', 'closed']);
    expect(refusedField(phaseSetPayload, { phase: 'voting' })).toBe('phase');
    expect(refusedField(phaseSetPayload, {})).toBe('phase');
  });

  it('a timer runs for 1 second to 4 hours, in whole seconds', () => {
    expect(refusedField(timerStartPayload, { seconds: 1 })).toBeNull();
    expect(refusedField(timerStartPayload, { seconds: LIMITS.timerSecondsMax })).toBeNull();
    for (const seconds of [0, -5, LIMITS.timerSecondsMax + 1, 1.5, '60']) {
      expect(refusedField(timerStartPayload, { seconds }), String(seconds)).toBe('seconds');
    }
    expect(refusedField(timerStopPayload, {})).toBeNull();
    expect(refusedField(timerStopPayload, { seconds: 3 })).not.toBeNull();
  });

  it('reveal, move and settings payloads check their types', () => {
    expect(refusedField(votesRevealPayload, { revealed: true })).toBeNull();
    expect(refusedField(votesRevealPayload, { revealed: 'yes' })).toBe('revealed');
    expect(refusedField(participantMovePayload, { participantId: 'p', groupId: 'g' })).toBeNull();
    expect(refusedField(participantMovePayload, { participantId: '', groupId: 'g' })).toBe(
      'participantId',
    );
    expect(refusedField(participantMovePayload, { participantId: 'p' })).toBe('groupId');
    expect(refusedField(workshopSettingsPayload, {})).toBeNull();
    expect(
      refusedField(workshopSettingsPayload, { groupChoiceLocked: true, joiningLocked: false }),
    ).toBeNull();
    expect(refusedField(workshopSettingsPayload, { joiningLocked: 1 })).toBe('joiningLocked');
    expect(refusedField(workshopSettingsPayload, { phase: 'vote' })).not.toBeNull();
  });
});
