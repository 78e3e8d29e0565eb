// Identifiers: workshop codes, secrets, and the names of the Yjs documents of a workshop.

/** No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or from the back of a room stays unambiguous. */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const CODE_LENGTH = 6;

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** A random workshop code; rejection sampling keeps every letter equally likely. */
export function generateCode(): string {
  let code = '';
  const limit = 256 - (256 % CODE_ALPHABET.length);
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH * 2)) {
      if (byte < limit && code.length < CODE_LENGTH)
        code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    }
  }
  return code;
}

/** Codes are case-insensitive and tolerate spaces or dashes typed by people ("abc-def"). */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export function isCode(input: string): boolean {
  const code = normalizeCode(input);
  return code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c));
}

/** An unguessable secret: 192 random bits, base64url (32 characters). */
export function generateSecret(): string {
  let binary = '';
  for (const byte of randomBytes(24)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A short random id for groups, recommendations and items (96 bits, base64url). */
export function generateId(): string {
  let binary = '';
  for (const byte of randomBytes(12)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export const PLENARY_DOC = 'plenary';
const GROUP_DOC_PREFIX = 'group-';

export function groupDocName(groupId: string): string {
  return GROUP_DOC_PREFIX + groupId;
}

export type DocRef = { kind: 'group'; groupId: string } | { kind: 'plenary' };

export function parseDocName(docName: string): DocRef | null {
  if (docName === PLENARY_DOC) return { kind: 'plenary' };
  if (docName.startsWith(GROUP_DOC_PREFIX) && docName.length > GROUP_DOC_PREFIX.length) {
    return { kind: 'group', groupId: docName.slice(GROUP_DOC_PREFIX.length) };
  }
  return null;
}

/** Vote targets: `<groupId>/<recommendationId>` in `vote`, `plenary/<itemId>` in `prioritise`. */
export type TargetRef =
  | { kind: 'recommendation'; groupId: string; recommendationId: string }
  | { kind: 'plenary'; itemId: string };

export function parseTargetId(targetId: string): TargetRef | null {
  const slash = targetId.indexOf('/');
  if (slash <= 0 || slash === targetId.length - 1 || targetId.indexOf('/', slash + 1) !== -1)
    return null;
  const head = targetId.slice(0, slash);
  const tail = targetId.slice(slash + 1);
  return head === PLENARY_DOC
    ? { kind: 'plenary', itemId: tail }
    : { kind: 'recommendation', groupId: head, recommendationId: tail };
}

export function recommendationTargetId(groupId: string, recommendationId: string): string {
  return `${groupId}/${recommendationId}`;
}

export function plenaryTargetId(itemId: string): string {
  return `${PLENARY_DOC}/${itemId}`;
}
