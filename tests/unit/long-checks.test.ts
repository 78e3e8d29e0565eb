// The checks of the long runs (scripts/long/verify.ts, ledger.ts) catch what they are there to
// catch: an edit another client saw and the database lacks, an acknowledged dot missing, a dot
// nobody cast, a budget exceeded; and they do not count what only its writer holds.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { VoteLedger } from '../../scripts/long/ledger.js';
import type { Replica } from '../../scripts/long/clients.js';
import { deficit, observed, vectorOf } from '../../scripts/long/verify.js';

const replica = (doc: Y.Doc): Replica =>
  ({ workshopId: 'w', docName: 'group-a', doc, provider: null, syncedAt: 0 }) as unknown as Replica;

function typed(doc: Y.Doc, chars: string): void {
  const text = doc.getText('t');
  for (const c of chars) text.insert(text.length, c);
}

describe('edits seen by another client', () => {
  it('an edit another client received and the database lacks is counted as lost', () => {
    const ana = new Y.Doc();
    const louis = new Y.Doc();
    typed(ana, 'a');
    const firstKeystroke = Y.encodeStateAsUpdate(ana);
    typed(ana, 'bc');
    Y.applyUpdate(louis, Y.encodeStateAsUpdate(ana)); // all three relayed to Louis
    const seen = observed([replica(ana), replica(louis)]).get('w/group-a')!;

    expect(deficit(seen, vectorOf(new Y.Doc()))).toBe(3);
    const partial = new Y.Doc(); // the database holds the first keystroke only
    Y.applyUpdate(partial, firstKeystroke);
    expect(deficit(seen, vectorOf(partial))).toBe(2);
    const whole = new Y.Doc();
    Y.applyUpdate(whole, Y.encodeStateAsUpdate(louis));
    expect(deficit(seen, vectorOf(whole))).toBe(0);
  });

  it('what only its writer holds (typed offline, never sent) is not owed by the server', () => {
    const ana = new Y.Doc();
    const louis = new Y.Doc();
    typed(ana, 'ab');
    Y.applyUpdate(louis, Y.encodeStateAsUpdate(ana));
    typed(ana, 'cdef'); // not sent yet
    const seen = observed([replica(ana), replica(louis)]).get('w/group-a')!;
    expect(seen.get(ana.clientID)).toBe(2);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, Y.encodeStateAsUpdate(louis));
    expect(deficit(seen, vectorOf(stored))).toBe(0);
    // Once everyone has converged, all of it is owed.
    Y.applyUpdate(louis, Y.encodeStateAsUpdate(ana));
    expect(
      deficit(observed([replica(ana), replica(louis)], true).get('w/group-a')!, vectorOf(stored)),
    ).toBe(4);
  });
});

describe('dots against acknowledgements', () => {
  it('an acknowledged dot missing from the store is a problem', () => {
    const ledger = new VoteLedger();
    ledger.settle(ledger.send('g/r1', 1), 'ok');
    expect(ledger.check({ 'g/r1': 1 }, 5)).toEqual([]);
    expect(ledger.check({}, 5)).toHaveLength(1);
  });

  it('a refused dot present, or a dot nobody cast, is a problem', () => {
    const ledger = new VoteLedger();
    ledger.settle(ledger.send('g/r1', 1), 'refused');
    expect(ledger.check({ 'g/r1': 1 }, 5)).toHaveLength(1);
    expect(ledger.check({ 'g/r2': 1 }, 5)).toHaveLength(1);
  });

  it('a dot whose answer never came may or may not be stored; a rebase settles it', () => {
    const ledger = new VoteLedger();
    ledger.settle(ledger.send('g/r1', 1), 'ok');
    const lost = ledger.send('g/r1', 1);
    ledger.settle(lost, 'unknown');
    expect(ledger.check({ 'g/r1': 1 }, 5)).toEqual([]);
    expect(ledger.check({ 'g/r1': 2 }, 5)).toEqual([]);
    expect(ledger.check({ 'g/r1': 3 }, 5)).toHaveLength(1);
    ledger.rebase({ 'g/r1': 2 });
    expect(ledger.uncertain).toBe(0);
    expect(ledger.check({ 'g/r1': 1 }, 5)).toHaveLength(1);
  });

  it('more dots than the budget is a problem even when each was acknowledged', () => {
    const ledger = new VoteLedger();
    for (let i = 0; i < 3; i++) ledger.settle(ledger.send('g/r1', 1), 'ok');
    expect(ledger.check({ 'g/r1': 3 }, 2)).toEqual(['budget exceeded: 3 dots for a budget of 2']);
  });
});
