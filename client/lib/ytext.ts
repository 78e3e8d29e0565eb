// Binds an <input> or <textarea> to a Y.Text so that people typing in the same field merge
// character by character (never last-writer-wins). Local input is turned into the smallest
// delete + insert (common prefix/suffix diff); remote changes rewrite the element's value and put
// the local caret back where it was, through Yjs relative positions.
import * as Y from 'yjs';

/** One contiguous edit: remove `remove` characters at `index`, then insert `insert` there. */
export interface TextEdit {
  index: number;
  remove: number;
  insert: string;
}

/**
 * The edit that turns `before` into `after`, or null when they are equal. `caret` is where the
 * caret stands in `after` once the edit is made (selectionEnd); it settles the ambiguous cases
 * ("aa" → "aaa": which "a" was typed?) the way the person typed them, so that a concurrent
 * edit by someone else lands on the right side.
 */
export function diffText(before: string, after: string, caret?: number): TextEdit | null {
  if (before === after) return null;
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (caret !== undefined) {
    // An insertion ends at the caret; a deletion starts at it. Never reach past either.
    const grown = Math.max(after.length - before.length, 0);
    prefix = Math.max(0, Math.min(prefix, caret - grown));
  }
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  // Never split a surrogate pair (an emoji typed or deleted whole stays whole).
  if (prefix > 0 && isHighSurrogate(after.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(after.charCodeAt(after.length - suffix))) suffix--;
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Applies an edit to a Y.Text as one transaction. */
export function applyEdit(ytext: Y.Text, edit: TextEdit, origin: unknown): void {
  const doc = ytext.doc;
  const run = () => {
    if (edit.remove > 0) ytext.delete(edit.index, edit.remove);
    if (edit.insert.length > 0) ytext.insert(edit.index, edit.insert);
  };
  if (doc) doc.transact(run, origin);
  else run();
}

export type TextField = HTMLInputElement | HTMLTextAreaElement;

/**
 * Keeps `el.value` and `ytext` equal in both directions until the returned function is called.
 * `onRemoteChange` is told when someone else's change rewrote the field.
 */
export function bindYText(
  el: TextField,
  ytext: Y.Text,
  options: { onRemoteChange?: () => void } = {},
): () => void {
  const doc = ytext.doc;
  /** Marks our own transactions, so that the observer ignores them. */
  const origin = { binding: el };
  let composing = false;
  let stale = false;
  let saved: {
    start: Y.RelativePosition;
    end: Y.RelativePosition;
    direction: TextField['selectionDirection'];
  } | null = null;

  el.value = ytext.toString();

  const onInput = () => {
    if (composing) return;
    const edit = diffText(ytext.toString(), el.value, el.selectionEnd ?? undefined);
    if (edit) applyEdit(ytext, edit, origin);
  };
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    onInput();
    if (stale) render();
  };

  // Before a remote transaction touches the text, pin the caret to the characters around it.
  const beforeTransaction = (tr: Y.Transaction) => {
    if (tr.origin === origin || el.ownerDocument.activeElement !== el) return;
    const start = el.selectionStart ?? 0;
    const end = el.selectionEnd ?? start;
    saved = {
      // assoc -1: the caret sticks to the character before it, so text someone else inserts
      // exactly at the caret goes after it and our next keystroke continues our own word.
      start: Y.createRelativePositionFromTypeIndex(ytext, start, -1),
      end: Y.createRelativePositionFromTypeIndex(ytext, end, -1),
      direction: el.selectionDirection,
    };
  };

  const render = () => {
    const value = ytext.toString();
    if (el.value === value) return;
    if (composing) {
      stale = true;
      return;
    }
    stale = false;
    const focused = el.ownerDocument.activeElement === el;
    el.value = value;
    if (focused && saved && doc) {
      const start =
        Y.createAbsolutePositionFromRelativePosition(saved.start, doc)?.index ?? value.length;
      const end = Y.createAbsolutePositionFromRelativePosition(saved.end, doc)?.index ?? start;
      el.setSelectionRange(start, Math.max(start, end), saved.direction ?? 'none');
    }
    options.onRemoteChange?.();
  };

  const observer = (_event: Y.YTextEvent, tr: Y.Transaction) => {
    if (tr.origin === origin) return;
    render();
    saved = null;
  };

  el.addEventListener('input', onInput);
  el.addEventListener('compositionstart', onCompositionStart);
  el.addEventListener('compositionend', onCompositionEnd);
  doc?.on('beforeTransaction', beforeTransaction);
  ytext.observe(observer);
  return () => {
    el.removeEventListener('input', onInput);
    el.removeEventListener('compositionstart', onCompositionStart);
    el.removeEventListener('compositionend', onCompositionEnd);
    doc?.off('beforeTransaction', beforeTransaction);
    ytext.unobserve(observer);
  };
}
