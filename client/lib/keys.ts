// The keys that open the console (facilitator key) and the projection (screen key). They arrive
// in the URL fragment (`#key=…`), which browsers never send to servers; we take them out of the
// address bar at once (history.replaceState) and keep them in sessionStorage for this tab. The
// facilitator key is also kept with the workshops created here (identity.ts, localStorage).
import { isCode, normalizeCode } from '../../shared/ids.js';
import { loadCreated } from './identity.js';

export type KeyKind = 'facilitator' | 'screen';

const SESSION_PREFIX = 'atelier.key.';

/** Reads `#key=…` from the address, then removes the fragment without adding a history entry. */
export function takeFragmentKey(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const key = params.get('key');
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  return key && key.trim() !== '' ? key.trim() : null;
}

export function loadSessionKey(kind: KeyKind, code: string): string | null {
  try {
    return sessionStorage.getItem(`${SESSION_PREFIX}${kind}.${code.toUpperCase()}`);
  } catch {
    return null;
  }
}

export function saveSessionKey(kind: KeyKind, code: string, key: string): void {
  try {
    sessionStorage.setItem(`${SESSION_PREFIX}${kind}.${code.toUpperCase()}`, key);
  } catch {
    // Not kept: the page still works until it is closed.
  }
}

export function forgetSessionKey(kind: KeyKind, code: string): void {
  try {
    sessionStorage.removeItem(`${SESSION_PREFIX}${kind}.${code.toUpperCase()}`);
  } catch {
    // Nothing to forget.
  }
}

/** The facilitator key this browser already holds for a workshop: this tab's, else a created one's. */
export function knownFacilitatorKey(code: string): string | null {
  return (
    loadSessionKey('facilitator', code) ??
    loadCreated().find((w) => w.code.toUpperCase() === code.toUpperCase())?.facilitatorKey ??
    null
  );
}

/**
 * What someone pasted: a whole link (`https://host/w/CODE/facilitate#key=…`) or the key alone.
 * Returns the key and, for a link, the workshop code it names.
 */
export function parsePastedKey(input: string): { key: string; code: string | null } | null {
  const text = input.trim();
  if (text === '') return null;
  const fragment = /#(?:.*&)?key=([^&\s]+)/.exec(text);
  if (fragment) {
    const path = /\/w\/([^/#?\s]+)/.exec(text);
    const code =
      path && isCode(decodeURIComponent(path[1]!))
        ? normalizeCode(decodeURIComponent(path[1]!))
        : null;
    return { key: decodeURIComponent(fragment[1]!), code };
  }
  // A key alone: base64url, no spaces, long enough to be a secret.
  return /^[A-Za-z0-9_-]{20,}$/.test(text) ? { key: text, code: null } : null;
}
