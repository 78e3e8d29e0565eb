// The byte-level checks of Yjs messages (server/collab/guard.ts): what stock Yjs sends passes,
// what would make Yjs allocate, loop or damage a document is refused before Yjs sees it.
import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { addItem, addRecommendation } from '../../shared/doc.js';
import {
  MalformedMessage,
  checkStateVector,
  checkUpdate,
  readAwarenessEntries,
} from '../../server/collab/guard.js';

const bytes = (...numbers: number[]) =>
  (() => {
    const e = encoding.createEncoder();
    for (const n of numbers) encoding.writeVarUint(e, n);
    return encoding.toUint8Array(e);
  })();

describe('checkUpdate', () => {
  it('passes every update stock Yjs makes for the contract schema, merged ones included', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    addRecommendation(doc, {
      id: 'r',
      title: 'Titre 🌍',
      body: 'Corps',
      authorId: 'a',
      createdAt: 1,
    });
    addItem(doc, { id: 'i', title: 'Item', body: '', sources: ['g/r'], createdAt: 2 });
    doc.getMap('recommendations').delete('r');
    for (const u of updates) expect(() => checkUpdate(u)).not.toThrow();
    expect(() => checkUpdate(Y.mergeUpdates(updates))).not.toThrow();
    expect(() => checkUpdate(Y.encodeStateAsUpdate(doc))).not.toThrow();
    expect(() => checkUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).not.toThrow();
  });

  it.each([
    ['a struct count larger than the bytes that follow', bytes(1, 30_000_000, 1, 0)],
    ['a truncated update', bytes(1, 1, 7)],
    ['a GC struct of length zero', Uint8Array.from([...bytes(1, 1, 7, 0), 0, 0, 0])],
    ['a deletion of length zero', bytes(0, 1, 99, 1, 5, 0)],
    ['a deletion count larger than the bytes that follow', bytes(0, 1, 99, 1_000_000)],
  ])('refuses %s', (_, update) => {
    expect(() => checkUpdate(update)).toThrow(MalformedMessage);
  });

  it('refuses subdocuments and XML types, which the schema does not use', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('sub', new Y.Doc());
    expect(() => checkUpdate(Y.encodeStateAsUpdate(doc))).toThrow(MalformedMessage);
    const xml = new Y.Doc();
    xml.getMap('m').set('x', new Y.XmlElement('p'));
    expect(() => checkUpdate(Y.encodeStateAsUpdate(xml))).toThrow(MalformedMessage);
  });
});

describe('checkStateVector and readAwarenessEntries', () => {
  it('accept what stock clients send and refuse counts the bytes cannot hold', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'x');
    expect(() => checkStateVector(Y.encodeStateVector(doc))).not.toThrow();
    expect(() => checkStateVector(bytes(5, 1))).toThrow(MalformedMessage);
    expect(() => readAwarenessEntries(bytes(1_000_000, 1))).toThrow(MalformedMessage);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 42);
    encoding.writeVarUint(e, 3);
    encoding.writeVarString(e, '{"user":{"name":"Ana"}}');
    expect(readAwarenessEntries(encoding.toUint8Array(e))).toEqual([
      { clientId: 42, clock: 3, json: '{"user":{"name":"Ana"}}' },
    ]);
  });
});
