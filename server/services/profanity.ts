// The profanity check of moderation (issue 16): which words of a card a facilitator may want to
// see before the room does. Two maintained lists, one per language: `obscenity` for English
// (it sees through spacing and look-alike letters) and `french-badwords-list` for French
// (2,400 forms, leetspeak included). A match flags a card for review; it never deletes anything.
import frenchBadwords from 'french-badwords-list';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

/** Words and the characters leetspeak uses inside them ("s@l0pe"); everything else separates. */
const WORD = /[\p{L}\p{N}@!$]+(?:[-’'][\p{L}\p{N}@!$]+)*/gu;

export interface ProfanityCheck {
  /** The offending words of a text, as written, at most a few; [] when it is clean. */
  find(text: string): string[];
}

export function createProfanityCheck(): ProfanityCheck {
  const french = new Set(frenchBadwords.array.map((word) => word.normalize('NFC').toLowerCase()));
  const english = new RegExpMatcher({
    ...englishDataset.build(),
    ...englishRecommendedTransformers,
  });
  return {
    find(text) {
      const found: string[] = [];
      const normal = text.normalize('NFC');
      for (const match of normal.matchAll(WORD)) {
        const word = match[0];
        const lower = word.toLowerCase();
        // A hyphenated form is checked whole ("sous-merde") and in its parts ("merde").
        if (french.has(lower) || lower.split(/[-’']/).some((part) => french.has(part))) {
          found.push(word);
        }
        if (found.length >= 5) return found;
      }
      for (const match of english.getAllMatches(normal, true)) {
        found.push(normal.slice(match.startIndex, match.endIndex + 1));
        if (found.length >= 5) break;
      }
      return [...new Set(found)];
    },
  };
}
