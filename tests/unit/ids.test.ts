// Identifiers of shared/ids.ts: workshop codes, secrets, document names and vote targets.
import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  generateCode,
  generateId,
  generateSecret,
  groupDocName,
  isCode,
  normalizeCode,
  parseDocName,
  parseTargetId,
  plenaryTargetId,
  recommendationTargetId,
} from '../../shared/ids.js';

describe('workshop codes', () => {
  it('the code alphabet has no look-alike characters and no duplicates', () => {
    for (const ambiguous of ['0', 'O', '1', 'I', 'L', '2', 'Z', '5', 'S', '8', 'B']) {
      expect(CODE_ALPHABET).not.toContain(ambiguous);
    }
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
    expect(CODE_ALPHABET).toBe(CODE_ALPHABET.toUpperCase());
  });

  it('a generated code is six characters of the alphabet, and is recognised as a code', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateCode();
      expect(code).toHaveLength(CODE_LENGTH);
      expect(CODE_LENGTH).toBe(6);
      for (const c of code) expect(CODE_ALPHABET).toContain(c);
      expect(isCode(code)).toBe(true);
    }
  });

  it('generated codes use every letter of the alphabet, roughly evenly, and rarely repeat', () => {
    const counts = new Map<string, number>();
    const codes = new Set<string>();
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const code = generateCode();
      codes.add(code);
      for (const c of code) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    // 244 million possible codes: 4000 draws almost never collide.
    expect(codes.size).toBeGreaterThan(n - 3);
    const expected = (n * CODE_LENGTH) / CODE_ALPHABET.length; // 960 per letter
    expect(counts.size).toBe(CODE_ALPHABET.length);
    for (const c of CODE_ALPHABET) {
      // Very loose bounds (about ±8 standard deviations): only a biased generator fails.
      expect(counts.get(c)).toBeGreaterThan(expected * 0.75);
      expect(counts.get(c)).toBeLessThan(expected * 1.25);
    }
  });

  it('a code typed in lower case, with spaces or dashes, normalises to the canonical code', () => {
    expect(normalizeCode('acd-efg')).toBe('ACDEFG');
    expect(normalizeCode(' ac de fg ')).toBe('ACDEFG');
    expect(normalizeCode('a\tc-d\ne-f-g')).toBe('ACDEFG');
    expect(isCode('acd-efg')).toBe(true);
    expect(isCode('  x y 3 4 6 7 ')).toBe(true);
  });

  it('a string of the wrong length or with a character outside the alphabet is not a code', () => {
    expect(isCode('')).toBe(false);
    expect(isCode('ACDEF')).toBe(false);
    expect(isCode('ACDEFGH')).toBe(false);
    expect(isCode('ACDEF0')).toBe(false);
    expect(isCode('ACDEFO')).toBe(false);
    expect(isCode('ACDEF1')).toBe(false);
    expect(isCode('ACDEFB')).toBe(false);
    expect(isCode('ACDEF_')).toBe(false);
    expect(isCode('ACDÉFG')).toBe(false);
  });
});

describe('secrets and ids', () => {
  it('a secret carries at least 128 random bits in URL-safe characters', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
    // base64url: 6 bits per character.
    expect(secret.length * 6).toBeGreaterThanOrEqual(128);
    const bytes = Buffer.from(secret, 'base64url');
    expect(bytes.length * 8).toBeGreaterThanOrEqual(128);
  });

  it('secrets never repeat and do not share a common prefix', () => {
    const secrets = Array.from({ length: 2000 }, () => generateSecret());
    expect(new Set(secrets).size).toBe(secrets.length);
    const firstChars = new Set(secrets.map((s) => s.slice(0, 2)));
    expect(firstChars.size).toBeGreaterThan(500);
  });

  it('ids are URL-safe, unique, and contain no slash (they are parts of target ids)', () => {
    const ids = Array.from({ length: 2000 }, () => generateId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});

describe('document names', () => {
  it('the plenary and group documents parse back to what they name', () => {
    expect(parseDocName('plenary')).toEqual({ kind: 'plenary' });
    expect(parseDocName(groupDocName('abc'))).toEqual({ kind: 'group', groupId: 'abc' });
    expect(parseDocName('group-a-b')).toEqual({ kind: 'group', groupId: 'a-b' });
  });

  it('anything else is not a document of a workshop', () => {
    expect(parseDocName('')).toBeNull();
    expect(parseDocName('group-')).toBeNull();
    expect(parseDocName('group')).toBeNull();
    expect(parseDocName('Plenary')).toBeNull();
    expect(parseDocName('plenary2')).toBeNull();
    expect(parseDocName('groups-abc')).toBeNull();
    expect(parseDocName('x-group-abc')).toBeNull();
  });
});

describe('vote targets', () => {
  it('a recommendation target and a plenary target parse back to their parts', () => {
    expect(parseTargetId(recommendationTargetId('g1', 'r1'))).toEqual({
      kind: 'recommendation',
      groupId: 'g1',
      recommendationId: 'r1',
    });
    expect(parseTargetId(plenaryTargetId('i1'))).toEqual({ kind: 'plenary', itemId: 'i1' });
    expect(plenaryTargetId('i1')).toBe('plenary/i1');
  });

  it('a target without exactly one slash between two non-empty parts is refused', () => {
    for (const bad of [
      '',
      '/',
      'abc',
      '/r1',
      'g1/',
      'g1/r1/x',
      'g1//r1',
      '//',
      'plenary/',
      '/plenary',
      'plenary/a/b',
    ]) {
      expect(parseTargetId(bad), bad).toBeNull();
    }
  });
});
