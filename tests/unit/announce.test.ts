// The page's live region feed (client/lib/announce.ts): a burst of changes is spoken once, the
// newest of a kind replaces the older, and the countdown speaks at the last minute and at zero.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { announcer, createAnnouncer, createCountdownAnnouncer } from '../../client/lib/announce.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the announcer', () => {
  it('gathers messages queued close together into one announcement', () => {
    const a = createAnnouncer(1000);
    const heard: string[] = [];
    a.subscribe((text) => heard.push(text));
    a.announce('Nouvelle recommandation : A.');
    a.announce('Bruno a rejoint l’atelier.');
    expect(heard).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual(['Nouvelle recommandation : A. Bruno a rejoint l’atelier.']);
  });

  it('keeps only the newest message of a kind, and says nothing for blank ones', () => {
    const a = createAnnouncer(1000);
    const heard: string[] = [];
    a.subscribe((text) => heard.push(text));
    a.announce('Classement : en tête, A.', { key: 'ranking' });
    a.announce('   ');
    a.announce('Classement : en tête, B.', { key: 'ranking' });
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual(['Classement : en tête, B.']);
  });

  it('makes the same words said twice in a row a change the region shows again', () => {
    const a = createAnnouncer(10);
    const heard: string[] = [];
    a.subscribe((text) => heard.push(text));
    a.announce('Les votes sont dévoilés.');
    vi.advanceTimersByTime(10);
    a.announce('Les votes sont dévoilés.');
    vi.advanceTimersByTime(10);
    expect(heard).toHaveLength(2);
    expect(heard[0]).not.toBe(heard[1]);
    expect(heard[1]!.startsWith('Les votes sont dévoilés.')).toBe(true);
  });
});

describe('the countdown announcer', () => {
  function follow() {
    const heard: string[] = [];
    const stop = announcer.subscribe((text) => heard.push(text.replace(/\u200b/g, '')));
    const tick = createCountdownAnnouncer({
      lastMinute: () => 'Plus qu’une minute.',
      timeUp: () => 'Temps écoulé.',
    });
    return { heard, stop, tick };
  }

  it('says when the last minute starts and when time is up, once each', () => {
    const { heard, stop, tick } = follow();
    for (const left of [90_000, 61_000, 60_000, 30_000, 59_000]) tick(left);
    vi.advanceTimersByTime(5000);
    expect(heard).toEqual(['Plus qu’une minute.']);
    for (const left of [1000, 0, -1000]) tick(left);
    vi.advanceTimersByTime(5000);
    expect(heard).toEqual(['Plus qu’une minute.', 'Temps écoulé.']);
    stop();
  });

  it('says nothing for a page opened in the last minute or with no timer', () => {
    const { heard, stop, tick } = follow();
    for (const left of [null, 40_000, 20_000, null]) tick(left);
    vi.advanceTimersByTime(5000);
    expect(heard).toEqual([]);
    stop();
  });
});
