// Group colours: the Okabe–Ito palette, distinguishable with the common colour-blindnesses.
// A group keeps its colour everywhere (column, card edge, badge, chart); the name always
// stands beside it, so colour is never the only cue.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8C6D00', '#6A3D9A'] as const;

export function groupColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
