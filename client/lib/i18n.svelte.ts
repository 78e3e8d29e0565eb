// The interface language: French by default (or the browser's if English), remembered in
// localStorage. `t('join.title', {name})` looks a message up with dotted keys and fills {params}.
import type { Language } from '../../shared/schemas.js';
import { en } from '../i18n/en.js';
import { fr, type Messages } from '../i18n/fr.js';

export type Lang = Language;
const STORAGE_KEY = 'atelier.lang';
const catalogs: Record<Lang, Messages> = { fr, en };

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // Storage may be unavailable (private mode): fall through to the browser's language.
  }
  return typeof navigator !== 'undefined' && navigator.language?.startsWith('en') ? 'en' : 'fr';
}

export const i18n = $state({ lang: initialLang() as Lang });

export function setLang(lang: Lang): void {
  i18n.lang = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered; the switch still applies to this page.
  }
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  let node: unknown = catalogs[i18n.lang];
  for (const part of key.split('.')) node = (node as Record<string, unknown>)?.[part];
  const text = typeof node === 'string' ? node : key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) =>
    params[name] === undefined ? `{${name}}` : formatParam(params[name]),
  );
}

/** Keys of messages that vary with a count: `{ one, other }` in the catalogs. */
export type PluralKey = { [K in MessageKey]: K extends `${infer P}.one` ? P : never }[MessageKey];

/** A message chosen by the plural rules of the language ("1 gommette", "0 gommette", "2 gommettes"). */
export function tp(
  key: PluralKey,
  count: number,
  params: Record<string, string | number> = {},
): string {
  const rule = new Intl.PluralRules(i18n.lang).select(count) === 'one' ? 'one' : 'other';
  return t(`${key}.${rule}` as MessageKey, { count, ...params });
}

/** A duration as a countdown: 4:05, or 1:02:03 past an hour. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const nf = new Intl.NumberFormat(i18n.lang, { minimumIntegerDigits: 2, useGrouping: false });
  return h > 0 ? `${h}:${nf.format(m)}:${nf.format(s)}` : `${m}:${nf.format(s)}`;
}

function formatParam(value: string | number): string {
  return typeof value === 'number' ? new Intl.NumberFormat(i18n.lang).format(value) : value;
}

export function formatDate(
  epochMs: number,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'long' },
): string {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway value for formatting
  return new Intl.DateTimeFormat(i18n.lang, options).format(new Date(epochMs));
}
