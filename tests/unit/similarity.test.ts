// The merge-suggestion engine of shared/similarity.ts: normalisation, stop words, stemming, and the
// suggestions themselves, measured on the French workshop fixture and an English mini-fixture.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESILIENCE_FIXTURE_FILE } from '../../server/demo/fixture.js';
import {
  detectLanguage,
  isStopWord,
  normalizeText,
  pairwiseScores,
  sourceOf,
  stem,
  suggestMerges,
  terms,
  words,
  type MergeSuggestion,
  type SuggestionInput,
} from '../../shared/similarity.js';

type Labelled = SuggestionInput & { cluster: string | null };

function loadFixture(): Labelled[] {
  // The repository's copy of ../shared/fixtures (CI clones the repository alone).
  const file = RESILIENCE_FIXTURE_FILE;
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as {
    recommendations: { group: string; cluster: string | null; title: string; body: string }[];
  };
  // Same numbering as scripts/eval-suggestions.ts: file order, g1/r01 …
  return fixture.recommendations.map((r, i) => ({
    groupId: r.group,
    id: `r${String(i + 1).padStart(2, '0')}`,
    title: r.title,
    body: r.body,
    cluster: r.cluster,
  }));
}

function truthOf(recs: readonly Labelled[]): string[][] {
  const clusters = new Map<string, string[]>();
  for (const r of recs) {
    if (r.cluster !== null)
      clusters.set(r.cluster, [...(clusters.get(r.cluster) ?? []), sourceOf(r)]);
  }
  return [...clusters.values()];
}

const sameStem = (a: string, b: string, language: 'fr' | 'en') =>
  expect(stem(a.toLowerCase(), language)).toBe(stem(b.toLowerCase(), language));

// Written for these tests, not tuned on: 3 groups, 4 true clusters (6 true pairs), 3 distractors
// that share words with a cluster without saying the same thing.
const ENGLISH: Labelled[] = [
  [
    'g1',
    'e1',
    'Create community vegetable gardens in every neighbourhood',
    'Turn vacant lots into shared gardens where residents grow food together.',
    'gardens',
  ],
  [
    'g1',
    'e2',
    'Install solar panels on public buildings',
    'Produce local electricity for schools and town halls, with batteries for power cuts.',
    'solar',
  ],
  [
    'g1',
    'e3',
    'Reduce food waste in school canteens',
    'Weigh leftovers, adjust portions and give surplus meals to food banks.',
    null,
  ],
  [
    'g1',
    'e4',
    'Train local officials in climate risks',
    'A half-day workshop for councillors to understand floods, heatwaves and supply shocks.',
    'training',
  ],
  [
    'g2',
    'e5',
    'Keep a register of isolated elderly people',
    'List vulnerable residents so volunteers can call and visit them during heatwaves.',
    'register',
  ],
  [
    'g2',
    'e6',
    'Support urban gardening projects run by residents',
    'Give land, tools and water to neighbourhood groups that want to grow vegetables.',
    'gardens',
  ],
  [
    'g2',
    'e7',
    'Raise awareness of climate risks among elected officials',
    'Regular training sessions so that the council understands the risks the town faces.',
    'training',
  ],
  [
    'g2',
    'e8',
    'Fund a neighbourhood repair café',
    'Volunteers fix appliances and bikes, which cuts waste and brings people together.',
    null,
  ],
  [
    'g3',
    'e9',
    'Run an annual crisis simulation exercise',
    'Test the emergency plan with services, volunteers and elected officials every year.',
    null,
  ],
  [
    'g3',
    'e10',
    'Equip emergency shelters with solar power and batteries',
    'Town halls and gyms keep running during a blackout thanks to rooftop panels.',
    'solar',
  ],
  [
    'g3',
    'e11',
    'Training programme on risk culture for decision-makers',
    'Teach mayors and council members how to prepare for floods and heat waves.',
    'training',
  ],
  [
    'g3',
    'e12',
    'Identify vulnerable residents before a heatwave',
    'Work with social services to map isolated, elderly or disabled people who need help during an alert.',
    'register',
  ],
].map(([groupId, id, title, body, cluster]) => ({
  groupId: groupId!,
  id: id!,
  title: title!,
  body: body!,
  cluster: cluster ?? null,
}));

function expectWellFormed(
  suggestions: readonly MergeSuggestion[],
  recs: readonly SuggestionInput[],
) {
  const known = new Set(recs.map(sourceOf));
  const seen = new Set<string>();
  let previous = Infinity;
  for (const { sources, score } of suggestions) {
    expect(sources.length).toBeGreaterThanOrEqual(2);
    const groups = sources.map((s) => s.split('/')[0]);
    expect(new Set(groups).size).toBe(groups.length);
    for (const source of sources) {
      expect(known.has(source)).toBe(true);
      expect(seen.has(source)).toBe(false);
      seen.add(source);
    }
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(1);
    expect(score).toBeLessThanOrEqual(previous);
    previous = score;
  }
}

describe('normalisation', () => {
  it('lowercases and strips accents, so résilience and RESILIENCE are one word', () => {
    expect(normalizeText('Résilience')).toBe('resilience');
    expect(normalizeText('RÉSILIENCE')).toBe(normalizeText('resilience'));
    expect(normalizeText('Îlots de fraîcheur à Besançon')).toBe('ilots de fraicheur a besancon');
    expect(normalizeText('Œuvre')).toBe('oeuvre');
  });

  it("drops French elisions, with straight or typographic apostrophes (l'eau, d’alerte, qu'il)", () => {
    expect(words("l'eau d’alerte qu'il jusqu'à lorsqu’on s'engager")).toEqual([
      'eau',
      'alerte',
      'il',
      'a',
      'on',
      'engager',
    ]);
  });

  it('splits on hyphens and punctuation, and keeps English possessives and negations tidy', () => {
    expect(words('porte-à-porte, week-end !')).toEqual(['porte', 'a', 'porte', 'week', 'end']);
    expect(words("We can't wait")).toEqual(['we', 'can', 'not', 'wait']);
    expect(words("The city's plan isn't ready")).toEqual([
      'the',
      'city',
      'plan',
      'is',
      'not',
      'ready',
    ]);
  });

  it('an empty or punctuation-only text has no words', () => {
    expect(words('')).toEqual([]);
    expect(words(' — ! ')).toEqual([]);
  });

  it('words, normalised token by token, are the words of the normalised text', () => {
    const texts = [
      "L'eau d’alerte qu'il jusqu'à aujourd'hui",
      "Don't can't won't John's cars' rock'n'roll",
      'e\u0301te\u0301 ŒUVRE Straße (l´eau) `s',
      "l''eau 'tis ''s x's's — n't 's can't've",
      ...loadFixture().flatMap((r) => [r.title, r.body]),
    ];
    for (const text of texts) expect(words(text).join(' ')).toBe(normalizeText(text));
  });
});

describe('stop words', () => {
  it('French and English function words are stop words, content words are not', () => {
    for (const w of ['les', 'des', 'du', 'pour', 'avec', 'leur', 'chaque'])
      expect(isStopWord(w, 'fr')).toBe(true);
    for (const w of ['the', 'of', 'and', 'with', 'their', 'every'])
      expect(isStopWord(w, 'en')).toBe(true);
    for (const w of ['habitants', 'eau', 'crise']) expect(isStopWord(w, 'fr')).toBe(false);
    for (const w of ['residents', 'water', 'crisis']) expect(isStopWord(w, 'en')).toBe(false);
  });

  it('the generic verbs that open recommendations carry no meaning ("Mettre en place", "Develop")', () => {
    expect(terms('Mettre en place une réserve', 'fr', false)).toEqual(['reserv']);
    expect(terms('Develop a local food network', 'en', false)).toEqual([
      'local',
      'food',
      'network',
    ]);
  });

  it('a text keeps only its content terms, stemmed', () => {
    expect(terms("Cartographier l'eau et les usages du territoire", 'fr', false)).toEqual([
      'cartographi',
      'eau',
      'usag',
      'territoir',
    ]);
  });
});

describe('French stemming (Snowball)', () => {
  it('plurals meet their singular: habitants / habitant, locaux / local, eaux / eau', () => {
    sameStem('habitants', 'habitant', 'fr');
    sameStem('locaux', 'local', 'fr');
    sameStem('locales', 'local', 'fr');
    sameStem('eaux', 'eau', 'fr');
    sameStem('citoyennes', 'citoyen', 'fr');
    sameStem('cartographie', 'cartographies', 'fr');
  });

  it('accents do not matter: résilience / resilience / résilient, and the stem has none', () => {
    sameStem('résilience', 'resilience', 'fr');
    sameStem('résilience', 'résilient', 'fr');
    expect(stem('élèves', 'fr')).toBe('elev');
  });

  it('participles and derived nouns meet: mutualiser / mutualisé / mutualisation, équiper / équipements', () => {
    for (const form of ['mutualisé', 'mutualisées', 'mutualisation']) {
      sameStem('mutualiser', form, 'fr');
    }
    sameStem('former', 'formés', 'fr');
    sameStem('équiper', 'équipements', 'fr');
    sameStem('identifier', 'identifiées', 'fr');
  });

  it('-ité and -ique meet their adjective, given the accents: vulnérabilité / vulnérables', () => {
    sameStem('vulnérabilité', 'vulnérables', 'fr');
    sameStem('électricité', 'électrique', 'fr');
    sameStem('collectivité', 'collectif', 'fr');
  });
});

describe('English stemming (Snowball)', () => {
  it('plurals, -ing and -ed meet: maps / mapping / mapped, residents / resident', () => {
    for (const form of ['maps', 'mapping', 'mapped']) sameStem('map', form, 'en');
    sameStem('residents', 'resident', 'en');
    sameStem('heatwaves', 'heatwave', 'en');
    sameStem('communities', 'community', 'en');
  });

  it('derived forms meet: volunteering / volunteers, vulnerability / vulnerable', () => {
    sameStem('volunteering', 'volunteers', 'en');
    sameStem('vulnerability', 'vulnerable', 'en');
    sameStem('training', 'trained', 'en');
  });
});

describe('concepts', () => {
  const sharedConcepts = (a: string, b: string, language: 'fr' | 'en') =>
    terms(a, language).filter((t) => t.startsWith('#') && terms(b, language).includes(t));

  it('words people use interchangeably share a concept term: habitants / citoyennes, élus / décideurs', () => {
    expect(sharedConcepts('habitants', 'citoyennes', 'fr')).toEqual(['#resident']);
    expect(sharedConcepts('élu', 'décideurs', 'fr')).toEqual(['#decider']);
    expect(sharedConcepts('canicule', 'forte chaleur', 'fr')).toEqual(['#heat']);
    expect(sharedConcepts('residents', 'citizens', 'en')).toEqual(['#resident']);
    expect(sharedConcepts('habitants', 'canicule', 'fr')).toEqual([]);
  });

  it('can be turned off', () => {
    expect(terms('habitants', 'fr', false)).toEqual(['habit']);
  });
});

describe('language detection', () => {
  it('tells French from English by their stop words, and accents tip a tie to French', () => {
    expect(detectLanguage('Cartographier les risques du territoire')).toBe('fr');
    expect(detectLanguage('Map the risks of the town')).toBe('en');
    expect(detectLanguage('Résilience')).toBe('fr');
    expect(detectLanguage('Wi-Fi')).toBeUndefined();
  });
});

describe('pairwise scores', () => {
  it('count the unordered pairs shared by the suggested sets and the true clusters', () => {
    const scores = pairwiseScores(
      [
        ['a', 'b', 'c'],
        ['d', 'e'],
      ],
      [
        ['a', 'b'],
        ['c', 'd', 'e'],
      ],
    );
    // predicted pairs ab ac bc de; true pairs ab cd ce de
    expect(scores.truePositives).toBe(2);
    expect(scores.precision).toBe(0.5);
    expect(scores.recall).toBe(0.5);
    expect(scores.falsePositives).toEqual([
      ['a', 'c'],
      ['b', 'c'],
    ]);
    expect(scores.falseNegatives).toEqual([
      ['c', 'd'],
      ['c', 'e'],
    ]);
  });

  it('no suggestion is perfectly precise, and an empty truth is perfectly recalled', () => {
    expect(pairwiseScores([], [['a', 'b']])).toMatchObject({ precision: 1, recall: 0, f1: 0 });
    expect(pairwiseScores([['a', 'b']], [])).toMatchObject({ precision: 0, recall: 1 });
  });
});

describe('merge suggestions: properties', () => {
  const fixture = loadFixture();

  it('with no recommendation, or only one, there is nothing to suggest', () => {
    expect(suggestMerges([])).toEqual([]);
    expect(suggestMerges([fixture[0]!])).toEqual([]);
  });

  it('never suggests merging two recommendations of the same group, even identical ones', () => {
    const twice = [
      { groupId: 'g1', id: 'a', title: 'Planter des haies', body: 'Replanter des haies.' },
      { groupId: 'g1', id: 'b', title: 'Planter des haies', body: 'Replanter des haies.' },
    ];
    expect(suggestMerges(twice)).toEqual([]);
  });

  it('suggests identical recommendations of two groups, with a score of 1', () => {
    const same = { title: 'Planter des haies', body: 'Replanter des haies le long des champs.' };
    const suggestions = suggestMerges([
      { groupId: 'g2', id: 'x', ...same },
      { groupId: 'g1', id: 'y', ...same },
      { groupId: 'g3', id: 'z', title: 'Monnaie locale', body: 'Une monnaie pour les commerces.' },
    ]);
    expect(suggestions).toEqual([
      { sources: ['g1/y', 'g2/x'], score: 1, reasons: ['champs', 'haies', 'long', 'planter'] },
    ]);
  });

  it('on the fixture: distinct groups in every set, each recommendation at most once, best first', () => {
    const suggestions = suggestMerges(fixture);
    expect(suggestions.length).toBeGreaterThan(0);
    expectWellFormed(suggestions, fixture);
  });

  it('the same input gives the same output, whatever its order', () => {
    const first = suggestMerges(fixture);
    expect(suggestMerges(fixture)).toEqual(first);
    const shuffled = [...fixture].reverse();
    shuffled.push(...shuffled.splice(0, 17));
    expect(suggestMerges(shuffled)).toEqual(first);
  });

  it('with character n-grams on, a misspelt word meets its word even with no stem in common', () => {
    const cards = [
      { groupId: 'g1', id: 'a', title: 'Composteurs', body: '' },
      { groupId: 'g2', id: 'b', title: 'Compostuers', body: '' },
      { groupId: 'g3', id: 'c', title: 'Bibliothèque', body: '' },
    ];
    expect(suggestMerges(cards)).toEqual([]);
    const withGrams = suggestMerges(cards, { charWeight: 0.5, threshold: 0.15 });
    expect(withGrams.map((s) => s.sources)).toEqual([['g1/a', 'g2/b']]);
  });

  it('a higher threshold never suggests more pairs on the fixture', () => {
    let previous = Infinity;
    for (const threshold of [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.9]) {
      const pairs = suggestMerges(fixture, { threshold }).reduce(
        (n, s) => n + (s.sources.length * (s.sources.length - 1)) / 2,
        0,
      );
      expect(pairs).toBeLessThanOrEqual(previous);
      previous = pairs;
    }
    expect(previous).toBe(0);
  });
});

describe('merge suggestions: quality on the French workshop fixture', () => {
  const fixture = loadFixture();
  const truth = truthOf(fixture);

  it('pairwise precision is at least 0.8 and recall at least 0.7 (default options)', () => {
    const scores = pairwiseScores(
      suggestMerges(fixture).map((s) => s.sources),
      truth,
    );
    expect(scores.precision).toBeGreaterThanOrEqual(0.8);
    expect(scores.recall).toBeGreaterThanOrEqual(0.7);
  });

  it('the distinct-groups constraint costs no recall here: no true cluster holds two recommendations of one group', () => {
    // A true pair inside one group can never be suggested; this is the recall cap it imposes.
    const sameGroupPairs = truth.flatMap((cluster) =>
      cluster.flatMap((a, x) =>
        cluster.slice(x + 1).filter((b) => a.split('/')[0] === b.split('/')[0]),
      ),
    );
    expect(sameGroupPairs).toEqual([]);
  });

  it('without the concept table it finds fewer of the true pairs', () => {
    const recall = (concepts: boolean) =>
      pairwiseScores(
        suggestMerges(fixture, { concepts }).map((s) => s.sources),
        truth,
      ).recall;
    expect(recall(false)).toBeLessThan(recall(true));
  });
});

describe('merge suggestions: English mini-fixture', () => {
  it('finds the English pairs with precision ≥ 0.8 and recall ≥ 0.7', () => {
    const suggestions = suggestMerges(ENGLISH);
    expectWellFormed(suggestions, ENGLISH);
    const scores = pairwiseScores(
      suggestions.map((s) => s.sources),
      truthOf(ENGLISH),
    );
    expect(scores.precision).toBeGreaterThanOrEqual(0.8);
    expect(scores.recall).toBeGreaterThanOrEqual(0.7);
  });

  it('a drill that mentions elected officials and volunteers is not pulled into the training set', () => {
    const suggestions = suggestMerges(ENGLISH);
    expect(suggestions.flatMap((s) => s.sources)).not.toContain('g3/e9');
    expect(suggestions.map((s) => s.sources)).toContainEqual(['g1/e4', 'g2/e7', 'g3/e11']);
  });

  it('each recommendation is stemmed in its own language when French and English are mixed', () => {
    const mixed = [...ENGLISH, ...loadFixture().slice(0, 10)];
    const suggestions = suggestMerges(mixed);
    expectWellFormed(suggestions, mixed);
    expect(suggestions.map((s) => s.sources)).toContainEqual(['g2/e5', 'g3/e12']);
  });
});
