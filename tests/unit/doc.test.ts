// The Yjs document schema of shared/doc.ts: typed writes, and reads that tolerate whatever a
// third-party client may have written.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addItem,
  addRecommendation,
  fieldText,
  ITEMS,
  itemsMap,
  readItem,
  readItems,
  readRecommendation,
  readRecommendations,
  RECOMMENDATIONS,
  recommendationsMap,
  removeItem,
  removeRecommendation,
} from '../../shared/doc.js';

const rec = (id: string, createdAt: number, title = `title ${id}`) => ({
  id,
  title,
  body: `body ${id}`,
  authorId: 'p1',
  createdAt,
});

describe('recommendations', () => {
  it('the top-level names of the contract never change', () => {
    expect(RECOMMENDATIONS).toBe('recommendations');
    expect(ITEMS).toBe('items');
  });

  it('a recommendation written with addRecommendation reads back field by field, with Y.Text fields', () => {
    const doc = new Y.Doc();
    const entry = addRecommendation(doc, rec('r1', 10, 'Cartographier'));
    expect(readRecommendations(doc)).toEqual([
      { id: 'r1', title: 'Cartographier', body: 'body r1', authorId: 'p1', createdAt: 10 },
    ]);
    expect(doc.getMap('recommendations').get('r1')).toBe(entry);
    expect(entry.get('title')).toBeInstanceOf(Y.Text);
    expect(entry.get('body')).toBeInstanceOf(Y.Text);
    expect(fieldText(entry, 'title')?.toString()).toBe('Cartographier');
  });

  it('adding a recommendation is one transaction: an observer sees one update', () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on('update', () => updates++);
    addRecommendation(doc, rec('r1', 1));
    expect(updates).toBe(1);
  });

  it('recommendations read oldest first, ties broken by id', () => {
    const doc = new Y.Doc();
    addRecommendation(doc, rec('b', 5));
    addRecommendation(doc, rec('c', 1));
    addRecommendation(doc, rec('a', 5));
    expect(readRecommendations(doc).map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });

  it('a removed recommendation is no longer read', () => {
    const doc = new Y.Doc();
    addRecommendation(doc, rec('r1', 1));
    addRecommendation(doc, rec('r2', 2));
    removeRecommendation(doc, 'r1');
    expect(readRecommendations(doc).map((r) => r.id)).toEqual(['r2']);
  });

  it('an entry that is a string, a number or an array instead of a Y.Map is skipped', () => {
    const doc = new Y.Doc();
    addRecommendation(doc, rec('good', 1));
    const map = doc.getMap<unknown>('recommendations');
    map.set('string', 'not a map');
    map.set('number', 42);
    map.set('array', new Y.Array());
    map.set('null', null);
    expect(readRecommendations(doc).map((r) => r.id)).toEqual(['good']);
    expect(readRecommendation('x', 'not a map')).toBeNull();
    expect(readRecommendation('x', undefined)).toBeNull();
  });

  it('malformed fields read as neutral values: a number title, a missing body, a text author, a string date', () => {
    const doc = new Y.Doc();
    const entry = new Y.Map<unknown>();
    recommendationsMap(doc).set('odd', entry);
    entry.set('title', 12);
    entry.set('authorId', new Y.Text('p9'));
    entry.set('createdAt', 'yesterday');
    expect(readRecommendations(doc)).toEqual([
      { id: 'odd', title: '', body: '', authorId: '', createdAt: 0 },
    ]);
    expect(fieldText(entry, 'title')).toBeNull();
    expect(fieldText(entry, 'body')).toBeNull();
  });

  it('a plain string title is read as text, and a non-finite date as 0', () => {
    const doc = new Y.Doc();
    const entry = new Y.Map<unknown>();
    recommendationsMap(doc).set('r', entry);
    entry.set('title', 'plain');
    entry.set('createdAt', Number.POSITIVE_INFINITY);
    expect(readRecommendations(doc)[0]).toMatchObject({ title: 'plain', createdAt: 0 });
  });

  it('a replica that wrote the top-level name as an array does not make reads throw elsewhere', () => {
    const foreign = new Y.Doc();
    foreign.getArray(RECOMMENDATIONS).push(['not a recommendation', 3]);
    foreign.getArray(ITEMS).push([{ id: 'x' }]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(foreign));
    expect(readRecommendations(doc)).toEqual([]);
    expect(readItems(doc)).toEqual([]);
  });

  it('two replicas exchanging updates read the same recommendations in the same order', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    addRecommendation(a, rec('r1', 3));
    addRecommendation(b, rec('r2', 3));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readRecommendations(a)).toEqual(readRecommendations(b));
    expect(readRecommendations(a).map((r) => r.id)).toEqual(['r1', 'r2']);
  });
});

describe('plenary items', () => {
  it('an item written with addItem reads back with its sources, in one transaction', () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on('update', () => updates++);
    const entry = addItem(doc, {
      id: 'i1',
      title: 'Eau',
      body: 'b',
      sources: ['g1/r1', 'g2/r4'],
      createdAt: 7,
    });
    expect(updates).toBe(1);
    expect(readItems(doc)).toEqual([
      {
        id: 'i1',
        title: 'Eau',
        body: 'b',
        sources: ['g1/r1', 'g2/r4'],
        createdAt: 7,
        impact: null,
        feasibility: null,
      },
    ]);
    expect(entry.get('sources')).toBeInstanceOf(Y.Array);
    expect(doc.getMap('items').get('i1')).toBe(entry);
  });

  it('items read oldest first, and a removed item is gone', () => {
    const doc = new Y.Doc();
    addItem(doc, { id: 'b', title: '', body: '', sources: [], createdAt: 2 });
    addItem(doc, { id: 'a', title: '', body: '', sources: [], createdAt: 2 });
    addItem(doc, { id: 'c', title: '', body: '', sources: [], createdAt: 1 });
    expect(readItems(doc).map((i) => i.id)).toEqual(['c', 'a', 'b']);
    removeItem(doc, 'a');
    expect(readItems(doc).map((i) => i.id)).toEqual(['c', 'b']);
  });

  it('malformed items are skipped or read with neutral values: sources as a string, non-string sources', () => {
    const doc = new Y.Doc();
    const items = itemsMap(doc) as Y.Map<unknown>;
    items.set('string', 'x');
    const noSources = new Y.Map<unknown>();
    items.set('noSources', noSources);
    noSources.set('sources', 'g1/r1');
    noSources.set('title', 3);
    const mixed = new Y.Map<unknown>();
    items.set('mixed', mixed);
    const sources = new Y.Array<unknown>();
    sources.push(['g1/r1', 4, null, { a: 1 }, 'g2/r2']);
    mixed.set('sources', sources);
    mixed.set('createdAt', 1);
    expect(readItems(doc)).toEqual([
      {
        id: 'noSources',
        title: '',
        body: '',
        sources: [],
        createdAt: 0,
        impact: null,
        feasibility: null,
      },
      {
        id: 'mixed',
        title: '',
        body: '',
        sources: ['g1/r1', 'g2/r2'],
        createdAt: 1,
        impact: null,
        feasibility: null,
      },
    ]);
    expect(readItem('x', 5)).toBeNull();
  });

  it('scores read as whole numbers from 1 to 5, anything else as not scored', () => {
    const doc = new Y.Doc();
    addItem(doc, { id: 'i', title: '', body: '', sources: [], createdAt: 1 });
    const entry = itemsMap(doc).get('i')!;
    const read = () => readItems(doc)[0]!;
    entry.set('impact', 5);
    entry.set('feasibility', 1);
    expect(read()).toMatchObject({ impact: 5, feasibility: 1 });
    for (const bad of [0, 6, 2.5, '3', null, Number.NaN]) {
      entry.set('impact', bad);
      expect(read().impact, String(bad)).toBeNull();
    }
  });
});
