// The behaviour of the Store interface (server/store/store.ts), as one suite that every
// implementation runs: SQLite now, PostgreSQL later. A `*.test.ts` file calls
// describeStoreContract with a factory; each test gets a fresh, empty store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { VotingPhase } from '../../shared/phases.js';
import type {
  GroupRecord,
  ParticipantRecord,
  SnapshotRecord,
  Store,
  WorkshopRecord,
} from '../../server/store/store.js';

let counter = 0;
const unique = (prefix: string) =>
  `${prefix}${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export function workshopRecord(overrides: Partial<WorkshopRecord> = {}): WorkshopRecord {
  return {
    id: unique('w'),
    code: unique('C').toUpperCase(),
    title: 'Atelier résilience',
    language: 'fr',
    voteBudget: 5,
    phase: 'lobby',
    timerEndsAt: null,
    timerFreeze: false,
    votesRevealed: false,
    groupChoiceLocked: false,
    joiningLocked: false,
    facilitatorKeyHash: unique('key-hash-'),
    screenKeyHash: null,
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function groupRecords(workshopId: string, names: string[]): GroupRecord[] {
  return names.map((name, position) => ({
    id: unique('g'),
    workshopId,
    name,
    prompt: '',
    position,
  }));
}

export function participantRecord(
  workshopId: string,
  groupId: string,
  overrides: Partial<ParticipantRecord> = {},
): ParticipantRecord {
  return {
    id: unique('p'),
    workshopId,
    groupId,
    name: 'Camille',
    tokenHash: unique('token-hash-'),
    createdAt: 1_700_000_000_000,
    // The store gives each its join order in its workshop (issue 16); the first is 0.
    ordinal: 0,
    ...overrides,
  };
}

/** A Yjs update that sets `key` to `value` in the map `m`, on top of `doc`. */
function edit(doc: Y.Doc, key: string, value: string): Uint8Array {
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array) => {
    update = u;
  };
  doc.on('update', capture);
  doc.getMap('m').set(key, value);
  doc.off('update', capture);
  return update!;
}

/** The document a StoredDoc describes, rebuilt the way a room loads it. */
function rebuild(stored: { state: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
  const doc = new Y.Doc();
  if (stored.state) Y.applyUpdate(doc, stored.state);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let workshop: WorkshopRecord;
    let groups: GroupRecord[];

    beforeEach(async () => {
      store = await makeStore();
      workshop = workshopRecord();
      groups = groupRecords(workshop.id, ['Eau', 'Énergie', 'Alimentation']);
      await store.createWorkshop(workshop, groups);
    });
    afterEach(async () => {
      await store.close();
    });

    /** Participants this test added to `workshop` through join(): the next one's ordinal. */
    let joined = 0;
    beforeEach(() => {
      joined = 0;
    });

    async function join(
      groupIndex = 0,
      overrides: Partial<ParticipantRecord> = {},
    ): Promise<ParticipantRecord> {
      const participant = participantRecord(workshop.id, groups[groupIndex]!.id, {
        ordinal: joined++,
        ...overrides,
      });
      await store.addParticipant(participant);
      return participant;
    }

    describe('workshops and groups', () => {
      it('a created workshop is found by id, by code and by facilitator key hash, field for field', async () => {
        expect(await store.workshopById(workshop.id)).toEqual(workshop);
        expect(await store.workshopByCode(workshop.code)).toEqual(workshop);
        expect(await store.workshopByFacilitatorKeyHash(workshop.facilitatorKeyHash)).toEqual(
          workshop,
        );
      });

      it('booleans, nulls, numbers and the language survive the round trip', async () => {
        const other = workshopRecord({
          language: 'en',
          voteBudget: 99,
          phase: 'prioritise',
          timerEndsAt: 1_700_000_123_456,
          timerFreeze: true,
          votesRevealed: true,
          groupChoiceLocked: true,
          joiningLocked: true,
        });
        await store.createWorkshop(other, groupRecords(other.id, ['A']));
        expect(await store.workshopById(other.id)).toEqual(other);
      });

      it('an unknown id, code or key hash finds nothing', async () => {
        expect(await store.workshopById('nope')).toBeNull();
        expect(await store.workshopByCode('NOPE42')).toBeNull();
        expect(await store.workshopByFacilitatorKeyHash('nope')).toBeNull();
      });

      it('codes are looked up exactly: normalising a typed code is the caller’s job', async () => {
        expect(await store.workshopByCode(workshop.code.toLowerCase())).toBeNull();
      });

      it('a second workshop with the same code is refused as code_taken, and the first is left intact', async () => {
        const clash = workshopRecord({ code: workshop.code });
        expect(await store.createWorkshop(clash, groupRecords(clash.id, ['X']))).toEqual({
          ok: false,
          reason: 'code_taken',
        });
        expect(await store.workshopById(clash.id)).toBeNull();
        expect(await store.groups(clash.id)).toEqual([]);
        expect(await store.workshopByCode(workshop.code)).toEqual(workshop);
      });

      it('groups come back in their position order, with their names', async () => {
        expect(await store.groups(workshop.id)).toEqual(groups);
        const shuffled = workshopRecord();
        const g = groupRecords(shuffled.id, ['first', 'second', 'third']);
        await store.createWorkshop(shuffled, [g[2]!, g[0]!, g[1]!]);
        expect((await store.groups(shuffled.id)).map((x) => x.name)).toEqual([
          'first',
          'second',
          'third',
        ]);
      });

      it('a group keeps the question it works on', async () => {
        const other = workshopRecord();
        const g = groupRecords(other.id, ['Eau', 'Énergie']);
        g[0]!.prompt = 'Comment sécuriser l’eau potable ?';
        await store.createWorkshop(other, g);
        expect((await store.groups(other.id)).map((x) => x.prompt)).toEqual([
          'Comment sécuriser l’eau potable ?',
          '',
        ]);
      });

      it("a workshop's groups are its own", async () => {
        const other = workshopRecord();
        await store.createWorkshop(other, groupRecords(other.id, ['Other']));
        expect((await store.groups(workshop.id)).map((g) => g.name)).toEqual([
          'Eau',
          'Énergie',
          'Alimentation',
        ]);
        expect((await store.groups(other.id)).map((g) => g.name)).toEqual(['Other']);
        expect(await store.groups('unknown')).toEqual([]);
      });
    });

    describe('updating a workshop', () => {
      it('a patch changes only the fields it names and returns the new record', async () => {
        const updated = await store.updateWorkshop(workshop.id, {
          phase: 'vote',
          votesRevealed: true,
        });
        expect(updated).toEqual({ ...workshop, phase: 'vote', votesRevealed: true });
        expect(await store.workshopById(workshop.id)).toEqual(updated);
      });

      it('every patchable field can be set and unset', async () => {
        await store.updateWorkshop(workshop.id, {
          timerEndsAt: 123,
          timerFreeze: true,
          groupChoiceLocked: true,
          joiningLocked: true,
          votesRevealed: true,
          phase: 'closed',
        });
        expect(await store.workshopById(workshop.id)).toMatchObject({
          timerEndsAt: 123,
          timerFreeze: true,
          groupChoiceLocked: true,
          joiningLocked: true,
          votesRevealed: true,
          phase: 'closed',
        });
        const back = await store.updateWorkshop(workshop.id, {
          timerEndsAt: null,
          timerFreeze: false,
          groupChoiceLocked: false,
          joiningLocked: false,
          votesRevealed: false,
          phase: 'lobby',
        });
        expect(back).toEqual(workshop);
      });

      it('an undefined field in a patch leaves that field alone', async () => {
        await store.updateWorkshop(workshop.id, { timerEndsAt: 99 });
        const updated = await store.updateWorkshop(workshop.id, {
          timerEndsAt: undefined,
          phase: 'write',
        });
        expect(updated).toMatchObject({ timerEndsAt: 99, phase: 'write' });
      });

      it('an empty patch changes nothing and returns the record', async () => {
        expect(await store.updateWorkshop(workshop.id, {})).toEqual(workshop);
      });

      it('patching an unknown workshop returns null', async () => {
        expect(await store.updateWorkshop('unknown', { phase: 'vote' })).toBeNull();
      });

      it('the information notice is kept from creation, changed by a patch, and absent again when patched to null', async () => {
        const withNotice = workshopRecord({ notice: 'La mairie collecte « vos prénoms ».' });
        await store.createWorkshop(withNotice, groupRecords(withNotice.id, ['A']));
        expect(await store.workshopById(withNotice.id)).toEqual(withNotice);
        expect((await store.workshopById(workshop.id))?.notice).toBeUndefined();
        expect((await store.updateWorkshop(workshop.id, { notice: 'Texte' }))?.notice).toBe(
          'Texte',
        );
        expect(await store.updateWorkshop(workshop.id, { notice: null })).toEqual(workshop);
      });

      it('private writing and the template’s steps are kept from creation; private writing is patched on and off', async () => {
        const steps = [
          { phase: 'write' as const, minutes: 25 },
          { phase: 'vote' as const, minutes: null, formation: 'solo' as const },
        ];
        const withSteps = workshopRecord({ steps, privateWriting: true });
        await store.createWorkshop(withSteps, groupRecords(withSteps.id, ['A']));
        expect(await store.workshopById(withSteps.id)).toEqual(withSteps);
        const plain = await store.workshopById(workshop.id);
        expect(plain?.steps).toBeUndefined();
        expect(plain?.privateWriting).toBeUndefined();
        const on = await store.updateWorkshop(workshop.id, { privateWriting: true });
        expect(on).toEqual({ ...workshop, privateWriting: true });
        expect(await store.updateWorkshop(workshop.id, { privateWriting: false })).toEqual(
          workshop,
        );
      });

      it('a patch touches only its own workshop', async () => {
        const other = workshopRecord();
        await store.createWorkshop(other, groupRecords(other.id, ['A']));
        await store.updateWorkshop(workshop.id, { phase: 'merge' });
        expect((await store.workshopById(other.id))?.phase).toBe('lobby');
      });
    });

    describe('participants', () => {
      it('a participant is found by the hash of their token, field for field', async () => {
        const p = await join(1, { name: 'Louis' });
        expect(await store.participantByTokenHash(p.tokenHash)).toEqual(p);
        expect(await store.participantByTokenHash('unknown')).toBeNull();
      });

      it("a workshop's participants come back in the order they joined", async () => {
        const a = await join(0, { createdAt: 3 });
        const b = await join(1, { createdAt: 1 });
        const c = await join(2, { createdAt: 2 });
        expect(await store.participants(workshop.id)).toEqual([b, c, a]);
        const other = workshopRecord();
        await store.createWorkshop(other, groupRecords(other.id, ['A']));
        expect(await store.participants(other.id)).toEqual([]);
      });

      it('two participants with the same token hash are refused', async () => {
        const a = await join(0);
        await expect(
          store.addParticipant(
            participantRecord(workshop.id, groups[1]!.id, { tokenHash: a.tokenHash }),
          ),
        ).rejects.toThrow();
        expect(await store.participants(workshop.id)).toEqual([a]);
      });

      it('a participant in a group that does not exist is refused', async () => {
        await expect(
          store.addParticipant(participantRecord(workshop.id, 'no-such-group')),
        ).rejects.toThrow();
        expect(await store.participants(workshop.id)).toEqual([]);
      });

      it('a moved participant belongs to the new group, and is still found by token', async () => {
        const p = await join(0);
        await store.moveParticipant(p.id, groups[2]!.id);
        expect((await store.participantByTokenHash(p.tokenHash))?.groupId).toBe(groups[2]!.id);
        expect((await store.participants(workshop.id))[0]?.groupId).toBe(groups[2]!.id);
      });

      it('a removed participant is no longer listed nor found by token, and their dots are gone with them', async () => {
        const p = await join(0);
        const q = await join(1);
        const cast = (who: ParticipantRecord, phase: VotingPhase, targetId: string) =>
          store.castVote({
            workshopId: workshop.id,
            participantId: who.id,
            phase,
            targetId,
            delta: 1,
            budget: 5,
          });
        await cast(p, 'vote', 'g/r1');
        await cast(p, 'vote', 'g/r1');
        await cast(p, 'prioritise', 'plenary/i1');
        await cast(q, 'vote', 'g/r1');
        expect(await store.removeParticipant(workshop.id, p.id)).toBe(true);
        expect(await store.participantByTokenHash(p.tokenHash)).toBeNull();
        expect((await store.participants(workshop.id)).map((x) => x.id)).toEqual([q.id]);
        expect(await store.allVotes(workshop.id)).toEqual([
          { participantId: q.id, phase: 'vote', targetId: 'g/r1', count: 1 },
        ]);
        expect(await store.tallies(workshop.id, 'vote')).toEqual({ 'g/r1': 1 });
        expect(await store.voters(workshop.id, 'prioritise')).toEqual([]);
      });

      it('removing an unknown participant, or one of another workshop, changes nothing and says so', async () => {
        const p = await join(0);
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A']);
        await store.createWorkshop(other, otherGroups);
        const stranger = participantRecord(other.id, otherGroups[0]!.id);
        await store.addParticipant(stranger);
        expect(await store.removeParticipant(workshop.id, 'nobody')).toBe(false);
        expect(await store.removeParticipant(workshop.id, stranger.id)).toBe(false);
        expect(await store.participantByTokenHash(stranger.tokenHash)).toEqual(stranger);
        expect(await store.removeParticipant(workshop.id, p.id)).toBe(true);
        expect(await store.removeParticipant(workshop.id, p.id)).toBe(false);
      });

      it('ordinals follow join order per workshop and are never reused after a removal (issue 16)', async () => {
        const a = await join(0);
        const b = await join(1);
        expect(await store.removeParticipant(workshop.id, b.id)).toBe(true);
        const c = participantRecord(workshop.id, groups[0]!.id, { ordinal: 99 });
        await store.addParticipant(c);
        const ordinals = (await store.participants(workshop.id)).map((p) => [p.id, p.ordinal]);
        // The ordinal given is ignored: the store counts the joins.
        expect(ordinals).toEqual([
          [a.id, 0],
          [c.id, 2],
        ]);
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A']);
        await store.createWorkshop(other, otherGroups);
        const first = participantRecord(other.id, otherGroups[0]!.id);
        await store.addParticipant(first);
        expect((await store.participantByTokenHash(first.tokenHash))?.ordinal).toBe(0);
      });

      it('a participant is blocked and unblocked in their own workshop only (issue 16)', async () => {
        const p = await join(0);
        expect(await store.setParticipantBlocked(workshop.id, p.id, true)).toBe(true);
        expect(await store.participantByTokenHash(p.tokenHash)).toEqual({ ...p, blocked: true });
        expect(await store.setParticipantBlocked(workshop.id, p.id, false)).toBe(true);
        expect(await store.participantByTokenHash(p.tokenHash)).toEqual(p);
        expect(await store.setParticipantBlocked('another', p.id, true)).toBe(false);
        expect(await store.setParticipantBlocked(workshop.id, 'nobody', true)).toBe(false);
      });
    });

    describe('anonymity and moderation modes (issue 16)', () => {
      it('are kept from creation, absent at their defaults, and patched', async () => {
        const hidden = workshopRecord({ anonymity: 'everyone', moderation: 'inbox' });
        await store.createWorkshop(hidden, groupRecords(hidden.id, ['A']));
        expect(await store.workshopById(hidden.id)).toEqual(hidden);
        const plain = await store.workshopById(workshop.id);
        expect(plain?.anonymity).toBeUndefined();
        expect(plain?.moderation).toBeUndefined();
        expect(await store.updateWorkshop(workshop.id, { anonymity: 'peers' })).toEqual({
          ...workshop,
          anonymity: 'peers',
        });
        expect(
          await store.updateWorkshop(workshop.id, { anonymity: 'named', moderation: 'inbox' }),
        ).toEqual({ ...workshop, moderation: 'inbox' });
      });
    });

    describe('document log', () => {
      it('a document never written loads empty', async () => {
        expect(await store.loadDoc(workshop.id, 'plenary')).toEqual({
          state: null,
          updates: [],
          lastSeq: 0,
        });
      });

      it('appended updates load back in order, byte for byte, with the last position', async () => {
        const doc = new Y.Doc();
        const u1 = edit(doc, 'a', '1');
        const u2 = edit(doc, 'b', '2');
        const r1 = await store.appendUpdate(workshop.id, 'plenary', u1);
        const r2 = await store.appendUpdate(workshop.id, 'plenary', u2);
        expect(r1.logLength).toBe(1);
        expect(r2.logLength).toBe(2);
        expect(r2.seq).toBeGreaterThan(r1.seq);
        const stored = await store.loadDoc(workshop.id, 'plenary');
        expect(stored.state).toBeNull();
        expect(stored.updates.map((u) => [...u])).toEqual([[...u1], [...u2]]);
        expect(stored.updates[0]).toBeInstanceOf(Uint8Array);
        expect(stored.lastSeq).toBe(r2.seq);
        expect(rebuild(stored).getMap('m').toJSON()).toEqual({ a: '1', b: '2' });
      });

      it('each document of each workshop has its own log', async () => {
        const other = workshopRecord();
        await store.createWorkshop(other, groupRecords(other.id, ['A']));
        const doc = new Y.Doc();
        await store.appendUpdate(workshop.id, 'plenary', edit(doc, 'x', 'plenary'));
        const group = await store.appendUpdate(workshop.id, 'group-a', edit(doc, 'y', 'group'));
        await store.appendUpdate(other.id, 'plenary', edit(doc, 'z', 'other'));
        expect(group.logLength).toBe(1);
        expect((await store.loadDoc(workshop.id, 'plenary')).updates).toHaveLength(1);
        expect((await store.loadDoc(workshop.id, 'group-a')).updates).toHaveLength(1);
        expect((await store.loadDoc(other.id, 'plenary')).updates).toHaveLength(1);
        expect((await store.loadDoc(other.id, 'group-a')).updates).toHaveLength(0);
      });

      it('compaction replaces the log up to a position with one state, and keeps later updates', async () => {
        const doc = new Y.Doc();
        const seqs: number[] = [];
        for (let i = 0; i < 5; i++)
          seqs.push(
            (await store.appendUpdate(workshop.id, 'plenary', edit(doc, `k${i}`, `${i}`))).seq,
          );
        // The state of the first three updates only, as a room would have it at that point.
        const early = new Y.Doc();
        for (const update of (await store.loadDoc(workshop.id, 'plenary')).updates.slice(0, 3)) {
          Y.applyUpdate(early, update);
        }
        await store.compactDoc(workshop.id, 'plenary', Y.encodeStateAsUpdate(early), seqs[2]!);

        const stored = await store.loadDoc(workshop.id, 'plenary');
        expect(stored.state).not.toBeNull();
        expect(stored.updates).toHaveLength(2);
        expect(stored.lastSeq).toBe(seqs[4]);
        expect(rebuild(stored).getMap('m').toJSON()).toEqual({
          k0: '0',
          k1: '1',
          k2: '2',
          k3: '3',
          k4: '4',
        });

        // The log length counts what is left, so the threshold starts again after compaction.
        const next = await store.appendUpdate(workshop.id, 'plenary', edit(doc, 'k5', '5'));
        expect(next.logLength).toBe(3);
        expect(next.seq).toBeGreaterThan(seqs[4]!);
      });

      it('compacting everything leaves one state and an empty log; a second compaction replaces the state', async () => {
        const doc = new Y.Doc();
        let last = 0;
        for (let i = 0; i < 3; i++)
          last = (await store.appendUpdate(workshop.id, 'plenary', edit(doc, `k${i}`, 'v'))).seq;
        await store.compactDoc(workshop.id, 'plenary', Y.encodeStateAsUpdate(doc), last);
        let stored = await store.loadDoc(workshop.id, 'plenary');
        expect(stored.updates).toEqual([]);
        expect(stored.lastSeq).toBe(0);
        expect(rebuild(stored).getMap('m').toJSON()).toEqual({ k0: 'v', k1: 'v', k2: 'v' });

        const after = await store.appendUpdate(workshop.id, 'plenary', edit(doc, 'k3', 'v'));
        expect(after.seq).toBeGreaterThan(last);
        await store.compactDoc(workshop.id, 'plenary', Y.encodeStateAsUpdate(doc), after.seq);
        stored = await store.loadDoc(workshop.id, 'plenary');
        expect(stored.updates).toEqual([]);
        expect(rebuild(stored).getMap('m').toJSON()).toEqual({
          k0: 'v',
          k1: 'v',
          k2: 'v',
          k3: 'v',
        });
      });

      it("compacting one document leaves the other documents' logs alone", async () => {
        const doc = new Y.Doc();
        const a = await store.appendUpdate(workshop.id, 'plenary', edit(doc, 'a', '1'));
        await store.appendUpdate(workshop.id, 'group-x', edit(doc, 'b', '2'));
        await store.compactDoc(workshop.id, 'plenary', Y.encodeStateAsUpdate(doc), a.seq + 10);
        expect((await store.loadDoc(workshop.id, 'group-x')).updates).toHaveLength(1);
        expect((await store.loadDoc(workshop.id, 'group-x')).state).toBeNull();
      });
    });

    describe('dot votes', () => {
      const vote = (
        participant: ParticipantRecord,
        targetId: string,
        delta: 1 | -1 = 1,
        budget = 3,
      ) =>
        store.castVote({
          workshopId: workshop.id,
          participantId: participant.id,
          phase: 'vote',
          targetId,
          delta,
          budget,
        });

      it('each vote spends one dot of the budget and says how many remain', async () => {
        const p = await join();
        expect(await vote(p, 'g/r1')).toEqual({ ok: true, remaining: 2 });
        expect(await vote(p, 'g/r2')).toEqual({ ok: true, remaining: 1 });
        expect(await vote(p, 'g/r3')).toEqual({ ok: true, remaining: 0 });
      });

      it('when a participant runs out of dots, the next vote is refused and nothing changes', async () => {
        const p = await join();
        for (let i = 0; i < 3; i++) await vote(p, 'g/r1');
        expect(await vote(p, 'g/r2')).toEqual({ ok: false, reason: 'budget_exhausted' });
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({ 'g/r1': 3 });
      });

      it('several dots stack on one target', async () => {
        const p = await join();
        await vote(p, 'g/r1');
        await vote(p, 'g/r1');
        await vote(p, 'g/r2');
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({ 'g/r1': 2, 'g/r2': 1 });
      });

      it('withdrawing a dot gives it back, and a target with no dot left disappears', async () => {
        const p = await join();
        await vote(p, 'g/r1');
        await vote(p, 'g/r1');
        expect(await vote(p, 'g/r1', -1)).toEqual({ ok: true, remaining: 2 });
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({ 'g/r1': 1 });
        expect(await vote(p, 'g/r1', -1)).toEqual({ ok: true, remaining: 3 });
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({});
        expect(await store.tallies(workshop.id, 'vote')).toEqual({});
      });

      it('withdrawing from a target without a dot of yours is refused as nothing_to_withdraw', async () => {
        const p = await join();
        const q = await join();
        await vote(q, 'g/r1');
        expect(await vote(p, 'g/r1', -1)).toEqual({ ok: false, reason: 'nothing_to_withdraw' });
        expect(await vote(p, 'g/never', -1)).toEqual({ ok: false, reason: 'nothing_to_withdraw' });
        expect(await store.tallies(workshop.id, 'vote')).toEqual({ 'g/r1': 1 });
      });

      it('withdrawing works even when the budget is spent, and frees a dot for another target', async () => {
        const p = await join();
        for (let i = 0; i < 3; i++) await vote(p, 'g/r1');
        expect(await vote(p, 'g/r1', -1)).toEqual({ ok: true, remaining: 1 });
        expect(await vote(p, 'g/r2')).toEqual({ ok: true, remaining: 0 });
      });

      it('a smaller budget than what was spent refuses new votes (the budget is checked, not stored)', async () => {
        const p = await join();
        for (let i = 0; i < 3; i++) await vote(p, 'g/r1');
        expect(await vote(p, 'g/r1', 1, 2)).toEqual({ ok: false, reason: 'budget_exhausted' });
        expect(await vote(p, 'g/r1', 1, 4)).toEqual({ ok: true, remaining: 0 });
      });

      it('each participant has their own budget', async () => {
        const p = await join();
        const q = await join();
        for (let i = 0; i < 3; i++) await vote(p, 'g/r1');
        expect(await vote(q, 'g/r1')).toEqual({ ok: true, remaining: 2 });
      });

      it('each voting phase has its own budget and its own votes', async () => {
        const p = await join();
        for (let i = 0; i < 3; i++) await vote(p, 'g/r1');
        const prioritise = await store.castVote({
          workshopId: workshop.id,
          participantId: p.id,
          phase: 'prioritise',
          targetId: 'plenary/i1',
          delta: 1,
          budget: 3,
        });
        expect(prioritise).toEqual({ ok: true, remaining: 2 });
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({ 'g/r1': 3 });
        expect(await votesOf(store, workshop.id, p.id, 'prioritise')).toEqual({ 'plenary/i1': 1 });
        expect(await store.tallies(workshop.id, 'vote')).toEqual({ 'g/r1': 3 });
        expect(await store.tallies(workshop.id, 'prioritise')).toEqual({ 'plenary/i1': 1 });
        expect((await store.voters(workshop.id, 'prioritise')).length).toBe(1);
      });

      it('concurrent casts never overspend: of 20 racing votes with a budget of 5, exactly 5 land', async () => {
        const p = await join();
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) => vote(p, `g/r${i % 3}`, 1, 5)),
        );
        expect(outcomes.filter((o) => o.ok)).toHaveLength(5);
        expect(outcomes.filter((o) => !o.ok && o.reason === 'budget_exhausted')).toHaveLength(15);
        const mine = await votesOf(store, workshop.id, p.id, 'vote');
        expect(Object.values(mine).reduce((a, b) => a + b, 0)).toBe(5);
        const remaining = outcomes.flatMap((o) => (o.ok ? [o.remaining] : [])).sort();
        expect(remaining).toEqual([0, 1, 2, 3, 4]);
      });

      it('concurrent withdrawals never take back more dots than were there', async () => {
        const p = await join();
        await vote(p, 'g/r1', 1, 5);
        await vote(p, 'g/r1', 1, 5);
        const outcomes = await Promise.all(Array.from({ length: 6 }, () => vote(p, 'g/r1', -1, 5)));
        expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({});
      });

      it('tallies sum every participant’s dots per target; the voter count counts people, not dots', async () => {
        const p = await join();
        const q = await join(1);
        await join(2); // joins but never votes
        await vote(p, 'g/r1');
        await vote(p, 'g/r1');
        await vote(q, 'g/r1');
        await vote(q, 'h/r9');
        expect(await store.tallies(workshop.id, 'vote')).toEqual({ 'g/r1': 3, 'h/r9': 1 });
        expect((await store.voters(workshop.id, 'vote')).length).toBe(2);
        expect((await store.voters(workshop.id, 'prioritise')).length).toBe(0);
        expect(await store.tallies(workshop.id, 'prioritise')).toEqual({});
      });

      it("a workshop's tallies and voters are its own", async () => {
        const p = await join();
        await vote(p, 'g/r1');
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A']);
        await store.createWorkshop(other, otherGroups);
        const stranger = participantRecord(other.id, otherGroups[0]!.id);
        await store.addParticipant(stranger);
        await store.castVote({
          workshopId: other.id,
          participantId: stranger.id,
          phase: 'vote',
          targetId: 'g/r1',
          delta: 1,
          budget: 5,
        });
        expect(await store.tallies(workshop.id, 'vote')).toEqual({ 'g/r1': 1 });
        expect(await store.tallies(other.id, 'vote')).toEqual({ 'g/r1': 1 });
        expect((await store.voters(workshop.id, 'vote')).length).toBe(1);
        expect(await votesOf(store, other.id, p.id, 'vote')).toEqual({});
      });

      it('voters lists each participant holding a dot in the phase once', async () => {
        const p = await join();
        const q = await join(1);
        await join(2);
        await vote(p, 'g/r1');
        await vote(p, 'g/r2');
        await vote(q, 'g/r1');
        expect((await store.voters(workshop.id, 'vote')).sort()).toEqual([p.id, q.id].sort());
        expect(await store.voters(workshop.id, 'prioritise')).toEqual([]);
        await vote(q, 'g/r1', -1);
        expect(await store.voters(workshop.id, 'vote')).toEqual([p.id]);
      });

      it('allVotes lists every vote of the workshop, of both phases, and nothing of other workshops', async () => {
        const p = await join();
        await vote(p, 'g/r1');
        await vote(p, 'g/r1');
        await store.castVote({
          workshopId: workshop.id,
          participantId: p.id,
          phase: 'prioritise',
          targetId: 'plenary/i1',
          delta: 1,
          budget: 3,
        });
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A']);
        await store.createWorkshop(other, otherGroups);
        const stranger = participantRecord(other.id, otherGroups[0]!.id);
        await store.addParticipant(stranger);
        await store.castVote({
          workshopId: other.id,
          participantId: stranger.id,
          phase: 'vote',
          targetId: 'x/y',
          delta: 1,
          budget: 3,
        });
        const all = await store.allVotes(workshop.id);
        expect(all).toHaveLength(2);
        expect(all).toEqual(
          expect.arrayContaining([
            { participantId: p.id, phase: 'vote', targetId: 'g/r1', count: 2 },
            { participantId: p.id, phase: 'prioritise', targetId: 'plenary/i1', count: 1 },
          ]),
        );
      });

      it('replaceVotes swaps every vote of the workshop at once, leaving other workshops alone', async () => {
        const p = await join();
        const q = await join(1);
        await vote(p, 'g/old');
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A']);
        await store.createWorkshop(other, otherGroups);
        const stranger = participantRecord(other.id, otherGroups[0]!.id);
        await store.addParticipant(stranger);
        await store.castVote({
          workshopId: other.id,
          participantId: stranger.id,
          phase: 'vote',
          targetId: 'x/y',
          delta: 1,
          budget: 3,
        });

        await store.replaceVotes(workshop.id, [
          { participantId: p.id, phase: 'vote', targetId: 'g/new', count: 2 },
          { participantId: q.id, phase: 'prioritise', targetId: 'plenary/i1', count: 1 },
        ]);
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({ 'g/new': 2 });
        expect(await votesOf(store, workshop.id, q.id, 'prioritise')).toEqual({ 'plenary/i1': 1 });
        expect(await store.tallies(other.id, 'vote')).toEqual({ 'x/y': 1 });
        // Replaced votes count against the budget like cast ones.
        expect(await vote(p, 'g/r1')).toEqual({ ok: true, remaining: 0 });

        await store.replaceVotes(workshop.id, []);
        expect(await store.allVotes(workshop.id)).toEqual([]);
      });

      it('removeVotesOn deletes every dot on those targets, of everyone and both phases, and returns them', async () => {
        const p = await join();
        const q = await join(1);
        await vote(p, 'g/r1');
        await vote(p, 'g/r1');
        await vote(p, 'g/r2');
        await vote(q, 'g/r1');
        await store.castVote({
          workshopId: workshop.id,
          participantId: q.id,
          phase: 'prioritise',
          targetId: 'plenary/i1',
          delta: 1,
          budget: 3,
        });
        const removed = await store.removeVotesOn(workshop.id, ['g/r1', 'plenary/i1', 'g/none']);
        expect(removed).toHaveLength(3);
        expect(removed).toEqual(
          expect.arrayContaining([
            { participantId: p.id, phase: 'vote', targetId: 'g/r1', count: 2 },
            { participantId: q.id, phase: 'vote', targetId: 'g/r1', count: 1 },
            { participantId: q.id, phase: 'prioritise', targetId: 'plenary/i1', count: 1 },
          ]),
        );
        expect(await store.allVotes(workshop.id)).toEqual([
          { participantId: p.id, phase: 'vote', targetId: 'g/r2', count: 1 },
        ]);
        // The dots are back in the budget: p holds 1 of 3, so two more land and a third does not.
        expect(await vote(p, 'g/r3')).toEqual({ ok: true, remaining: 1 });
        expect(await vote(p, 'g/r3')).toEqual({ ok: true, remaining: 0 });
        expect(await store.removeVotesOn(workshop.id, ['g/r1'])).toEqual([]);
        expect(await store.removeVotesOn(workshop.id, [])).toEqual([]);
      });

      it("removeVotesOn leaves other workshops' dots on the same target id alone", async () => {
        const p = await join();
        await vote(p, 'g/r1');
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A']);
        await store.createWorkshop(other, otherGroups);
        const stranger = participantRecord(other.id, otherGroups[0]!.id);
        await store.addParticipant(stranger);
        await store.castVote({
          workshopId: other.id,
          participantId: stranger.id,
          phase: 'vote',
          targetId: 'g/r1',
          delta: 1,
          budget: 3,
        });
        expect(await store.removeVotesOn(workshop.id, ['g/r1'])).toHaveLength(1);
        expect(await store.tallies(other.id, 'vote')).toEqual({ 'g/r1': 1 });
      });

      it('a participant who never voted has no votes', async () => {
        const p = await join();
        expect(await votesOf(store, workshop.id, p.id, 'vote')).toEqual({});
        expect(await votesOf(store, workshop.id, 'unknown', 'prioritise')).toEqual({});
      });
    });

    describe('deleting a workshop and retention', () => {
      it('deleting a workshop removes it and everything in it, and nothing of another workshop', async () => {
        const doomed = workshopRecord();
        const kept = workshopRecord();
        const doomedGroups = groupRecords(doomed.id, ['A']);
        const keptGroups = groupRecords(kept.id, ['A']);
        await store.createWorkshop(doomed, doomedGroups);
        await store.createWorkshop(kept, keptGroups);
        for (const [w, groups] of [
          [doomed, doomedGroups],
          [kept, keptGroups],
        ] as const) {
          const p = participantRecord(w.id, groups[0]!.id);
          await store.addParticipant(p);
          await store.appendUpdate(w.id, 'plenary', new Uint8Array([1, 2]));
          await store.compactDoc(w.id, 'plenary', new Uint8Array([3]), 0);
          await store.castVote({
            workshopId: w.id,
            participantId: p.id,
            phase: 'vote',
            targetId: `${groups[0]!.id}/r`,
            delta: 1,
            budget: 5,
          });
          await store.saveSnapshot({
            id: `s-${w.id}`,
            workshopId: w.id,
            label: 'x',
            kind: 'manual',
            createdAt: 1,
            data: '{}',
          });
        }
        expect(await store.deleteWorkshop(doomed.id)).toBe(true);
        expect(await store.workshopById(doomed.id)).toBeNull();
        expect(await store.workshopByCode(doomed.code)).toBeNull();
        expect(await store.groups(doomed.id)).toEqual([]);
        expect(await store.participants(doomed.id)).toEqual([]);
        expect(await store.loadDoc(doomed.id, 'plenary')).toEqual({
          state: null,
          updates: [],
          lastSeq: 0,
        });
        expect(await store.allVotes(doomed.id)).toEqual([]);
        expect(await store.listSnapshots(doomed.id)).toEqual([]);
        expect(await store.deleteWorkshop(doomed.id)).toBe(false);
        // The other workshop is whole.
        expect(await store.workshopById(kept.id)).toEqual(kept);
        expect(await store.participants(kept.id)).toHaveLength(1);
        expect((await store.loadDoc(kept.id, 'plenary')).state).toEqual(new Uint8Array([3]));
        expect(await store.allVotes(kept.id)).toHaveLength(1);
        expect(await store.listSnapshots(kept.id)).toHaveLength(1);
      });

      it('expired workshops: closed and unchanged since the first limit, or unchanged at all since the second', async () => {
        const closedOld = workshopRecord({ phase: 'closed', createdAt: 1_000 });
        const openOld = workshopRecord({ createdAt: 1_000 });
        const ancient = workshopRecord({ createdAt: 10 });
        for (const w of [closedOld, openOld, ancient])
          await store.createWorkshop(w, groupRecords(w.id, ['A']));
        const expired = await store.expiredWorkshops({ closedBefore: 2_000, untouchedBefore: 500 });
        expect(expired.sort()).toEqual([ancient.id, closedOld.id].sort());
        // A change counts as activity: the workshop is no longer expired.
        await store.updateWorkshop(closedOld.id, { votesRevealed: true });
        expect(await store.expiredWorkshops({ closedBefore: 2_000, untouchedBefore: 500 })).toEqual(
          [ancient.id],
        );
      });
    });

    describe('units of work', () => {
      it('a unit of work writes every row it holds: workshop, groups, people, votes, patch', async () => {
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A', 'B']);
        const ana = participantRecord(other.id, otherGroups[1]!.id);
        const outcome = await store.transaction((tx) => {
          tx.createWorkshop(other, otherGroups);
          tx.addParticipant(ana);
          tx.replaceVotes(other.id, [
            {
              participantId: ana.id,
              phase: 'vote',
              targetId: `${otherGroups[1]!.id}/r1`,
              count: 2,
            },
          ]);
          tx.updateWorkshop(other.id, { phase: 'vote', votesRevealed: true });
        });
        expect(outcome).toEqual({ ok: true });
        expect(await store.workshopById(other.id)).toMatchObject({
          phase: 'vote',
          votesRevealed: true,
        });
        expect(await store.groups(other.id)).toEqual(otherGroups);
        expect((await store.participants(other.id)).map((p) => p.id)).toEqual([ana.id]);
        expect(await store.allVotes(other.id)).toEqual([
          { participantId: ana.id, phase: 'vote', targetId: `${otherGroups[1]!.id}/r1`, count: 2 },
        ]);
      });

      it('a write failing halfway leaves nothing of the unit: no workshop, no people, votes as they were', async () => {
        const ana = await join(0);
        await store.replaceVotes(workshop.id, [
          { participantId: ana.id, phase: 'vote', targetId: `${groups[0]!.id}/r1`, count: 1 },
        ]);
        const before = await store.allVotes(workshop.id);
        const other = workshopRecord();
        const otherGroups = groupRecords(other.id, ['A']);
        const bob = participantRecord(other.id, otherGroups[0]!.id);
        // The third write names a group that does not exist: the database refuses it.
        const halfway = store.transaction((tx) => {
          tx.createWorkshop(other, otherGroups);
          tx.replaceVotes(workshop.id, []);
          tx.addParticipant(participantRecord(other.id, 'no-such-group'));
          tx.addParticipant(bob);
          tx.updateWorkshop(workshop.id, { phase: 'closed' });
        });
        await expect(halfway).rejects.toThrow();
        expect(await store.workshopById(other.id)).toBeNull();
        expect(await store.groups(other.id)).toEqual([]);
        expect(await store.participantByTokenHash(bob.tokenHash)).toBeNull();
        expect(await store.allVotes(workshop.id)).toEqual(before);
        expect((await store.workshopById(workshop.id))?.phase).toBe('lobby');
      });

      it('a callback throwing while it records writes nothing', async () => {
        const other = workshopRecord();
        const halfway = store.transaction((tx) => {
          tx.createWorkshop(other, groupRecords(other.id, ['A']));
          throw new Error('the file was not what it said');
        });
        await expect(halfway).rejects.toThrow('the file was not what it said');
        expect(await store.workshopById(other.id)).toBeNull();
      });

      it('a unit creating a workshop whose code is taken answers code_taken and writes nothing', async () => {
        const clash = workshopRecord({ code: workshop.code });
        const clashGroups = groupRecords(clash.id, ['A']);
        const outcome = await store.transaction((tx) => {
          tx.updateWorkshop(workshop.id, { phase: 'write' });
          tx.createWorkshop(clash, clashGroups);
          tx.addParticipant(participantRecord(clash.id, clashGroups[0]!.id));
        });
        expect(outcome).toEqual({ ok: false, reason: 'code_taken' });
        expect(await store.workshopById(clash.id)).toBeNull();
        expect((await store.workshopById(workshop.id))?.phase).toBe('lobby');
      });
    });

    describe('rounds (issue 17)', () => {
      it('a new round in one unit: groups added with round, parents and host, old ones retired, people moved, the round and profiles kept', async () => {
        const ana = await join(0, { profile: 'élu·e' });
        const bob = await join(1);
        const next = groupRecords(workshop.id, ['Binôme 1']).map((g) => ({
          ...g,
          position: 3,
          round: 2,
          parents: [groups[0]!.id, groups[1]!.id],
          hostId: ana.id,
        }));
        const outcome = await store.transaction((tx) => {
          tx.addGroup(next[0]!);
          for (const old of groups) tx.updateGroup(old.id, { retiredRound: 1 });
          tx.updateGroup(groups[2]!.id, { hostId: bob.id });
          tx.moveParticipant(ana.id, next[0]!.id);
          tx.moveParticipant(bob.id, next[0]!.id);
          tx.updateWorkshop(workshop.id, { round: 2, profiles: ['élu·e', 'agent·e'] });
        });
        expect(outcome).toEqual({ ok: true });
        const stored = await store.groups(workshop.id);
        expect(stored.at(-1)).toEqual(next[0]);
        expect(stored.slice(0, 3).map((g) => g.retiredRound)).toEqual([1, 1, 1]);
        expect(stored[2]!.hostId).toBe(bob.id);
        expect((await store.participants(workshop.id)).map((p) => [p.groupId, p.profile])).toEqual([
          [next[0]!.id, 'élu·e'],
          [next[0]!.id, undefined],
        ]);
        expect(await store.workshopById(workshop.id)).toMatchObject({
          round: 2,
          profiles: ['élu·e', 'agent·e'],
        });
      });

      it('records at their defaults keep the shape they had before rounds', async () => {
        expect(await store.groups(workshop.id)).toEqual(groups);
        expect(await store.workshopById(workshop.id)).toEqual(workshop);
        const ana = await join(0);
        expect(await store.participantByTokenHash(ana.tokenHash)).toEqual(ana);
      });

      it('a round failing halfway moves nobody and retires nothing', async () => {
        const ana = await join(0);
        const halfway = store.transaction((tx) => {
          for (const old of groups) tx.updateGroup(old.id, { retiredRound: 1 });
          tx.moveParticipant(ana.id, groups[1]!.id);
          tx.updateWorkshop(workshop.id, { round: 2 });
          // A group of another workshop's id space that collides with an existing id: refused.
          tx.addGroup({ ...groups[0]!, name: 'Copie' });
        });
        await expect(halfway).rejects.toThrow();
        expect(await store.groups(workshop.id)).toEqual(groups);
        expect((await store.participants(workshop.id))[0]!.groupId).toBe(groups[0]!.id);
        expect((await store.workshopById(workshop.id))?.round).toBeUndefined();
      });
    });

    describe('snapshots', () => {
      const snapshot = (overrides: Partial<SnapshotRecord> = {}): SnapshotRecord => ({
        id: unique('s'),
        workshopId: workshop.id,
        label: 'Avant la pause',
        kind: 'manual',
        createdAt: 1_700_000_000_000,
        data: JSON.stringify({ board: 'état', n: 1 }),
        ...overrides,
      });

      it('a saved snapshot reads back field for field, its data untouched', async () => {
        const s = snapshot({
          data: JSON.stringify({ titre: 'Énergie « citoyenne »', list: [1, 2] }),
          kind: 'auto',
        });
        await store.saveSnapshot(s);
        expect(await store.getSnapshot(workshop.id, s.id)).toEqual(s);
      });

      it('snapshots are listed oldest first, without their data', async () => {
        const late = snapshot({ createdAt: 30, label: 'late' });
        const early = snapshot({ createdAt: 10, label: 'early' });
        const middle = snapshot({ createdAt: 20, label: 'middle' });
        for (const s of [late, early, middle]) await store.saveSnapshot(s);
        const listed = await store.listSnapshots(workshop.id);
        expect(listed.map((s) => s.label)).toEqual(['early', 'middle', 'late']);
        expect(listed[0]).toEqual({
          id: early.id,
          workshopId: workshop.id,
          label: 'early',
          kind: 'manual',
          createdAt: 10,
        });
      });

      it('snapshots taken in the same millisecond keep the order they were saved in', async () => {
        const ids = [];
        for (let i = 0; i < 5; i++) {
          const s = snapshot({ createdAt: 42, label: `s${i}` });
          ids.push(s.id);
          await store.saveSnapshot(s);
        }
        expect((await store.listSnapshots(workshop.id)).map((s) => s.id)).toEqual(ids);
      });

      it("a snapshot's data can be replaced (a withdrawal), only within its own workshop", async () => {
        const other = workshopRecord();
        await store.createWorkshop(other, groupRecords(other.id, ['A']));
        const s = snapshot({ data: JSON.stringify({ participants: ['Ana'] }) });
        await store.saveSnapshot(s);
        expect(await store.replaceSnapshotData(other.id, s.id, '{}')).toBe(false);
        expect(await store.replaceSnapshotData(workshop.id, 'unknown', '{}')).toBe(false);
        expect((await store.getSnapshot(workshop.id, s.id))?.data).toBe(s.data);
        expect(await store.replaceSnapshotData(workshop.id, s.id, '{"participants":[]}')).toBe(
          true,
        );
        expect(await store.getSnapshot(workshop.id, s.id)).toEqual({
          ...s,
          data: '{"participants":[]}',
        });
      });

      it("a workshop sees only its own snapshots; another workshop's id finds nothing", async () => {
        const other = workshopRecord();
        await store.createWorkshop(other, groupRecords(other.id, ['A']));
        const mine = snapshot();
        const theirs = snapshot({ workshopId: other.id });
        await store.saveSnapshot(mine);
        await store.saveSnapshot(theirs);
        expect((await store.listSnapshots(workshop.id)).map((s) => s.id)).toEqual([mine.id]);
        expect(await store.getSnapshot(workshop.id, theirs.id)).toBeNull();
        expect(await store.getSnapshot(workshop.id, 'unknown')).toBeNull();
        expect(await store.listSnapshots('unknown')).toEqual([]);
      });
    });
  });
}

/** One participant's dots in one phase (targetId → count), read through allVotes. */
async function votesOf(
  store: Store,
  workshopId: string,
  participantId: string,
  phase: VotingPhase,
): Promise<Record<string, number>> {
  return Object.fromEntries(
    (await store.allVotes(workshopId))
      .filter((v) => v.participantId === participantId && v.phase === phase)
      .map((v) => [v.targetId, v.count]),
  );
}
