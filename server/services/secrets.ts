// Hashing of bearer secrets: the database only ever holds sha256 of tokens and keys, and finds
// them by that hash (an index lookup, so no timing difference depends on the secret's content).
import { createHash } from 'node:crypto';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
