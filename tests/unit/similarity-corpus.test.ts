// The evaluation corpus of merge suggestions (tests/fixtures/suggestions) is well formed, the
// engine's figures on it do not regress, and each suggestion says why (its reasons).
import { describe, expect, it } from 'vitest';
import { pairwiseScores, suggestMerges, type SuggestOptions } from '../../shared/similarity.js';
import { loadSplit, type LabelledWorkshop } from '../fixtures/suggestions/corpus.js';

const dev = loadSplit('dev');
const test = loadSplit('test');

/** Pairwise precision and recall pooled over workshops (every pair weighs the same). */
function pooled(workshops: readonly LabelledWorkshop[], options: SuggestOptions = {}) {
  let predicted = 0;
  let correct = 0;
  let found = 0;
  let expected = 0;
  for (const w of workshops) {
    const sets = suggestMerges(w.recs, options).map((s) => s.sources);
    const scores = pairwiseScores(sets, w.truth);
    const n = sets.reduce((k, s) => k + (s.length * (s.length - 1)) / 2, 0);
    predicted += n;
    correct += n - scores.falsePositives.length;
    found += scores.truePositives;
    expected += w.truth.reduce((k, c) => {
      const g = new Set(c.map((x) => x.split('/')[0])).size;
      return k + (g * (g - 1)) / 2;
    }, 0);
  }
  return { precision: correct / predicted, recall: found / expected };
}

describe('evaluation corpus', () => {
  it('has five workshops or more per language, dev and test, none in both splits', () => {
    for (const language of ['fr', 'en']) {
      const all = [...dev, ...test].filter((w) => w.language === language);
      expect(all.length).toBeGreaterThanOrEqual(5);
      expect(dev.filter((w) => w.language === language).length).toBeGreaterThanOrEqual(2);
      expect(test.filter((w) => w.language === language).length).toBeGreaterThanOrEqual(2);
    }
    const themes = (ws: readonly LabelledWorkshop[]) =>
      new Set(ws.map((w) => w.name.split('/')[1]));
    for (const name of themes(dev)) expect(themes(test).has(name)).toBe(false);
  });

  it('every cluster names known cards of at least two groups; cards are 30 to 50 per workshop in 4 to 6 groups', () => {
    for (const w of [...dev, ...test]) {
      const known = new Set(w.recs.map((r) => `${r.groupId}/${r.id}`));
      expect(w.recs.length).toBeGreaterThanOrEqual(29);
      expect(w.recs.length).toBeLessThanOrEqual(50);
      const groups = new Set(w.recs.map((r) => r.groupId)).size;
      expect(groups).toBeGreaterThanOrEqual(4);
      expect(groups).toBeLessThanOrEqual(6);
      const seen = new Set<string>();
      for (const cluster of w.truth) {
        expect(new Set(cluster.map((s) => s.split('/')[0])).size).toBeGreaterThanOrEqual(2);
        for (const source of cluster) {
          expect(known.has(source)).toBe(true);
          expect(seen.has(source)).toBe(false);
          seen.add(source);
        }
      }
    }
  });

  it('holds the hard cases: empty bodies, one-word titles, a group that wrote one idea twice', () => {
    for (const w of [...dev, ...test]) {
      expect(w.recs.some((r) => r.body === '')).toBe(true);
      const twice = w.truth.some((c) => new Set(c.map((s) => s.split('/')[0])).size < c.length);
      expect(twice).toBe(true);
    }
    expect([...dev, ...test].some((w) => w.recs.some((r) => !r.title.includes(' ')))).toBe(true);
  });
});

describe('quality on the corpus (regression guards at the measured figures, docs/suggestions.md)', () => {
  it('on the dev split, the split it was tuned on: precision ≥ 0.78, recall ≥ 0.70', () => {
    const r = pooled(dev);
    expect(r.precision).toBeGreaterThanOrEqual(0.78);
    expect(r.recall).toBeGreaterThanOrEqual(0.7);
  });

  it('the concept table gains recall on the dev split', () => {
    expect(pooled(dev).recall).toBeGreaterThan(pooled(dev, { concepts: false }).recall + 0.2);
  });
});

describe('reasons', () => {
  const recs = [
    {
      groupId: 'g1',
      id: 'a',
      title: 'Stationnement vélo sécurisé en gare',
      body: 'Des abris fermés.',
    },
    { groupId: 'g2', id: 'b', title: 'Garer son vélo à la gare', body: 'Contre le vol.' },
    { groupId: 'g3', id: 'c', title: 'Une monnaie locale', body: 'Pour les commerces du centre.' },
  ];

  it('each suggestion names the words its cards share, as the cards spell them', () => {
    const [suggestion] = suggestMerges(recs);
    expect(suggestion!.sources).toEqual(['g1/a', 'g2/b']);
    expect(suggestion!.reasons).toEqual(expect.arrayContaining(['vélo', 'gare']));
    expect(suggestion!.reasons.length).toBeLessThanOrEqual(4);
  });

  it('two different words for one thing read "a ≈ b"', () => {
    const [suggestion] = suggestMerges([
      { groupId: 'g1', id: 'a', title: 'Aller au collège à vélo', body: '' },
      { groupId: 'g2', id: 'b', title: 'Une bicyclette pour chaque collégien', body: '' },
    ]);
    expect(suggestion!.reasons).toContain('vélo ≈ bicyclette');
    const english = suggestMerges(
      [
        { groupId: 'g1', id: 'a', title: 'Let kids get to school on their bikes', body: '' },
        { groupId: 'g2', id: 'b', title: 'Safe cycle routes for children', body: '' },
      ],
      { threshold: 0.05 },
    );
    expect(english[0]!.reasons).toEqual(
      expect.arrayContaining(['kids ≈ children', 'bikes ≈ cycle']),
    );
  });
});
