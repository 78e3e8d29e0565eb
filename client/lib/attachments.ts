// The one attachment cache of the shared documents: an attachment binds a field (title or body)
// of a top-level entry (a card, a merged item) to an input, made once per entry and field and
// kept, so Svelte sees the same function on every render and never re-binds a field being typed.
import type { Attachment } from 'svelte/attachments';
import * as Y from 'yjs';
import { fieldText } from '../../shared/doc.js';
import { bindYText } from './ytext.js';

export type Field = 'title' | 'body';
export type FieldAttachment = Attachment<HTMLTextAreaElement | HTMLInputElement>;

export interface FieldBindingsOptions {
  /** The top-level map the entries live in (read at bind time: an entry may come late). */
  entries: () => Y.Map<Y.Map<unknown>>;
  /** Said when the field takes or loses focus (awareness: "editing this card"). */
  onFocus?: (id: string, field: Field) => void;
  onBlur?: () => void;
}

export interface FieldBindings {
  bind(id: string, field: Field): FieldAttachment;
}

export function createFieldBindings(options: FieldBindingsOptions): FieldBindings {
  const cache = new Map<string, FieldAttachment>();
  const make =
    (id: string, field: Field): FieldAttachment =>
    (el) => {
      const entry = options.entries().get(id);
      const text = entry instanceof Y.Map ? fieldText(entry, field) : null;
      if (!text) return;
      const unbind = bindYText(el, text);
      const { onFocus, onBlur } = options;
      if (!onFocus && !onBlur) return unbind;
      const focus = () => onFocus?.(id, field);
      const blur = () => onBlur?.();
      el.addEventListener('focus', focus);
      el.addEventListener('blur', blur);
      if (el.ownerDocument.activeElement === el) focus();
      return () => {
        unbind();
        el.removeEventListener('focus', focus);
        el.removeEventListener('blur', blur);
      };
    };
  return {
    bind(id, field) {
      const key = `${id}/${field}`;
      let attachment = cache.get(key);
      if (!attachment) {
        attachment = make(id, field);
        cache.set(key, attachment);
      }
      return attachment;
    },
  };
}
