// The icon table: every entry is drawable path data on its grid, with a weight where it is outlined.
import { describe, expect, it } from 'vitest';
import { icons } from '../../client/components/icons.js';

describe('the icon table', () => {
  const entries = Object.entries(icons);

  it('holds path data made only of SVG path commands and numbers', () => {
    for (const [name, icon] of entries) {
      for (const shape of icon.shapes) {
        expect(shape.d, name).toMatch(/^[MmLlHhVvCcSsQqTtAaZz0-9.,\s-]+$/);
        expect(shape.d.trimStart()[0], name).toMatch(/[Mm]/);
      }
    }
  });

  it('gives every outlined icon a positive stroke width', () => {
    for (const [name, icon] of entries) {
      const outlined = icon.shapes.some((shape) => !('filled' in shape && shape.filled));
      if (outlined) expect(icon.stroke, name).toBeGreaterThan(0);
    }
  });

  it('keeps absolute coordinates inside the grid', () => {
    for (const [name, icon] of entries) {
      for (const shape of icon.shapes) {
        // Absolute move-to and line-to points (upper-case commands): both numbers within 0..grid.
        for (const match of shape.d.matchAll(/[ML]\s*(-?[\d.]+)[\s,]+(-?[\d.]+)/g)) {
          const [x, y] = [Number(match[1]), Number(match[2])];
          expect(x, name).toBeGreaterThanOrEqual(0);
          expect(x, name).toBeLessThanOrEqual(icon.grid);
          expect(y, name).toBeGreaterThanOrEqual(0);
          expect(y, name).toBeLessThanOrEqual(icon.grid);
        }
      }
    }
  });
});
