// Group colours: the Okabe–Ito palette, distinguishable with the common colour-blindnesses.
// A group keeps its colour everywhere (column, card edge, badge, chart); the name always
// stands beside it, so colour is never the only cue.
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#D55E00',
  '#56B4E9',
  '#8C6D00',
  '#6A3D9A',
] as const;

export function groupColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

// People's colours (avatars, editing outlines): dark enough for white initials (≥ 4.5:1) and
// distinct from one another; a person keeps theirs on every screen, derived from their id.
const PEOPLE = [
  '#1F5FA8',
  '#8A4B00',
  '#0B6E4F',
  '#9C2F6E',
  '#B03A00',
  '#5B3FA0',
  '#5E5A00',
  '#00667A',
  '#A1264B',
  '#3D5A1F',
] as const;

export function personColor(participantId: string): string {
  let hash = 0;
  for (let i = 0; i < participantId.length; i++)
    hash = (hash * 31 + participantId.charCodeAt(i)) >>> 0;
  return PEOPLE[hash % PEOPLE.length]!;
}

export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s-]+/)
    .filter(Boolean);
  const first = [...(parts[0] ?? '?')][0] ?? '?';
  const last = parts.length > 1 ? ([...parts[parts.length - 1]!][0] ?? '') : '';
  return (first + last).toUpperCase();
}
