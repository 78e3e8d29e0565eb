// @vitest-environment jsdom
// The text binding of client/lib/ytext.ts: the diff that turns a field's new value into one
// Yjs edit, and the binding that merges two people's typing character by character.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyEdit, bindYText, diffText } from '../../client/lib/ytext.js';

function apply(before: string, edit: ReturnType<typeof diffText>): string {
  if (!edit) return before;
  return before.slice(0, edit.index) + edit.insert + before.slice(edit.index + edit.remove);
}

describe('diffText', () => {
  it('finds nothing to do when the text is unchanged', () => {
    expect(diffText('abc', 'abc')).toBeNull();
  });

  it('turns typing in the middle into one insertion', () => {
    expect(diffText('Mutualiser moyens', 'Mutualiser les moyens', 15)).toEqual({
      index: 11,
      remove: 0,
      insert: 'les ',
    });
  });

  it('turns a backspace into one deletion at the caret', () => {
    expect(diffText('abcd', 'abd', 2)).toEqual({ index: 2, remove: 1, insert: '' });
  });

  it('turns a pasted replacement of a selection into a delete and an insert', () => {
    const edit = diffText('le plan communal', 'le PCS communal', 6);
    expect(edit).toEqual({ index: 3, remove: 4, insert: 'PCS' });
    expect(apply('le plan communal', edit)).toBe('le PCS communal');
  });

  it('uses the caret to tell which of repeated letters was typed', () => {
    // "aa" → "aaa" with the caret after the first letter: the new "a" is at the start.
    expect(diffText('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
    // Without a caret the longest common prefix wins: the new "a" is at the end.
    expect(diffText('aa', 'aaa')).toEqual({ index: 2, remove: 0, insert: 'a' });
    // A backspace among repeated letters deletes at the caret.
    expect(diffText('aaa', 'aa', 1)).toEqual({ index: 1, remove: 1, insert: '' });
  });

  it('handles emptying and filling a field', () => {
    expect(diffText('abc', '', 0)).toEqual({ index: 0, remove: 3, insert: '' });
    expect(diffText('', 'abc', 3)).toEqual({ index: 0, remove: 0, insert: 'abc' });
  });

  it('never splits an emoji (a surrogate pair) in two', () => {
    const before = 'a😀b';
    const after = 'a😃b';
    const edit = diffText(before, after, 3);
    expect(edit).toEqual({ index: 1, remove: 2, insert: '😃' });
    expect(apply(before, edit)).toBe(after);
  });

  it('always produces an edit that turns before into after', () => {
    const samples = ['', 'a', 'abc', 'aab', 'Réduire la vulnérabilité', 'ééé', 'x😀y😀z'];
    for (const before of samples) {
      for (const after of samples) {
        for (let caret = 0; caret <= after.length; caret++) {
          expect(apply(before, diffText(before, after, caret))).toBe(after);
        }
      }
    }
  });
});

/** Two replicas of one document, connected by hand (each update goes to the other at once). */
function replicas() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'),
  );
  b.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'),
  );
  return { a, b };
}

function fieldInOwnWindow(): HTMLTextAreaElement {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  const doc = frame.contentDocument!;
  const el = doc.createElement('textarea');
  doc.body.append(el);
  return el;
}

function type(el: HTMLTextAreaElement, text: string) {
  for (const ch of text) {
    const at = el.selectionStart;
    el.value = el.value.slice(0, at) + ch + el.value.slice(el.selectionEnd);
    el.setSelectionRange(at + 1, at + 1);
    el.dispatchEvent(new Event('input'));
  }
}

describe('bindYText', () => {
  it('mirrors the field into the Y.Text and back', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'Bonjour');
    const el = document.createElement('textarea');
    document.body.append(el);
    const unbind = bindYText(el, text);
    expect(el.value).toBe('Bonjour');

    el.focus();
    el.setSelectionRange(7, 7);
    type(el, ' à tous');
    expect(text.toString()).toBe('Bonjour à tous');

    applyEdit(text, { index: 0, remove: 0, insert: '» ' }, 'remote');
    expect(el.value).toBe('» Bonjour à tous');
    unbind();
    el.remove();
  });

  it('merges two people typing in one field at different places, keeping each caret', () => {
    const { a, b } = replicas();
    a.getText('t').insert(0, 'Mutualiser les moyens');
    // Two people, two windows: each has its own focused field.
    const elA = fieldInOwnWindow();
    const elB = fieldInOwnWindow();
    const unbindA = bindYText(elA, a.getText('t'));
    const unbindB = bindYText(elB, b.getText('t'));

    // Alternate keystrokes, as two people typing at once would.
    const first = 'Vite : ';
    const second = ' du territoire';
    elA.focus();
    elA.setSelectionRange(0, 0);
    elB.setSelectionRange(elB.value.length, elB.value.length);
    for (let i = 0; i < Math.max(first.length, second.length); i++) {
      if (first[i]) {
        elA.focus();
        type(elA, first[i]!);
      }
      if (second[i]) {
        elB.focus();
        type(elB, second[i]!);
      }
    }
    const expected = 'Vite : Mutualiser les moyens du territoire';
    expect(a.getText('t').toString()).toBe(expected);
    expect(b.getText('t').toString()).toBe(expected);
    expect(elA.value).toBe(expected);
    expect(elB.value).toBe(expected);
    unbindA();
    unbindB();
  });

  it('keeps the caret in place when someone else types before it', () => {
    const { a, b } = replicas();
    a.getText('t').insert(0, 'abcdef');
    const el = document.createElement('textarea');
    document.body.append(el);
    const unbind = bindYText(el, a.getText('t'));
    el.focus();
    el.setSelectionRange(3, 5); // "de" selected
    b.getText('t').insert(0, 'XY');
    expect(el.value).toBe('XYabcdef');
    expect([el.selectionStart, el.selectionEnd]).toEqual([5, 7]);
    unbind();
  });

  it('stops following the Y.Text once unbound', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    const el = document.createElement('input');
    const unbind = bindYText(el, text);
    unbind();
    text.insert(0, 'later');
    expect(el.value).toBe('');
  });
});
