// Anonymity (issue 16): who may read whose name. One rule, used by every channel that carries a
// name (workshop:state, presence deltas, Yjs awareness, exports): `nameFor` decides.
import { z } from 'zod';
import type { Language } from './schemas.js';

export const ANONYMITY_MODES = ['named', 'peers', 'everyone'] as const;
export type Anonymity = (typeof ANONYMITY_MODES)[number];
export const anonymitySchema = z.enum(ANONYMITY_MODES);

/** Who is reading: a participant (themself or a peer), the facilitator, or the projection. */
export type Reader =
  { role: 'participant'; participantId: string } | { role: 'facilitator' } | { role: 'screen' };

/**
 * Animals in both languages, for pseudonyms: friendlier than numbers, easy to say aloud ("the
 * Otter's card"), and none of them a word a participant would be embarrassed to carry.
 */
const ANIMALS: readonly { fr: string; en: string }[] = [
  { fr: 'Loutre', en: 'Otter' },
  { fr: 'Renard', en: 'Fox' },
  { fr: 'Hérisson', en: 'Hedgehog' },
  { fr: 'Colibri', en: 'Hummingbird' },
  { fr: 'Blaireau', en: 'Badger' },
  { fr: 'Castor', en: 'Beaver' },
  { fr: 'Chouette', en: 'Owl' },
  { fr: 'Dauphin', en: 'Dolphin' },
  { fr: 'Écureuil', en: 'Squirrel' },
  { fr: 'Flamant', en: 'Flamingo' },
  { fr: 'Gazelle', en: 'Gazelle' },
  { fr: 'Héron', en: 'Heron' },
  { fr: 'Ibis', en: 'Ibis' },
  { fr: 'Koala', en: 'Koala' },
  { fr: 'Lynx', en: 'Lynx' },
  { fr: 'Marmotte', en: 'Marmot' },
  { fr: 'Narval', en: 'Narwhal' },
  { fr: 'Ours', en: 'Bear' },
  { fr: 'Panda', en: 'Panda' },
  { fr: 'Pingouin', en: 'Penguin' },
  { fr: 'Raton laveur', en: 'Raccoon' },
  { fr: 'Salamandre', en: 'Salamander' },
  { fr: 'Tortue', en: 'Tortoise' },
  { fr: 'Zèbre', en: 'Zebra' },
];

/**
 * The pseudonym of the participant who joined `ordinal`-th (0-based), in the workshop's language:
 * an animal, numbered from the second round of the list on ("Loutre 2"). Ordinals are stable for
 * a workshop's life, so a pseudonym never changes under someone's eyes.
 */
export function pseudonym(ordinal: number, language: Language): string {
  const index = Math.max(0, Math.floor(ordinal));
  const animal = ANIMALS[index % ANIMALS.length]!;
  const round = Math.floor(index / ANIMALS.length);
  return round === 0 ? animal[language] : `${animal[language]} ${round + 1}`;
}

/** Whether `reader` may read the real name of participant `participantId` in this mode. */
export function mayReadName(mode: Anonymity, reader: Reader, participantId: string): boolean {
  if (reader.role === 'participant' && reader.participantId === participantId) return true;
  if (mode === 'named') return true;
  if (mode === 'peers') return reader.role === 'facilitator';
  return false;
}

/** The name `reader` is shown for a participant: the real one, or the pseudonym. */
export function nameFor(
  mode: Anonymity,
  reader: Reader,
  participant: { id: string; name: string; ordinal: number },
  language: Language,
): string {
  return mayReadName(mode, reader, participant.id)
    ? participant.name
    : pseudonym(participant.ordinal, language);
}

/**
 * The name awareness carries: awareness is one state relayed to every reader of a document, so
 * in an anonymous workshop it carries the pseudonym for everyone (the console maps it back).
 */
export function awarenessName(
  mode: Anonymity,
  participant: { name: string; ordinal: number },
  language: Language,
): string {
  return mode === 'named' ? participant.name : pseudonym(participant.ordinal, language);
}
