// A workshop's steps (its phases with their default durations, from its template) as both stores
// keep them: JSON text in one column. A value that no longer reads as steps reads as none.
import { z } from 'zod';
import { templateStepSchema, type TemplateStep } from '../../shared/templates.js';

const stepsSchema = z.array(templateStepSchema).max(40);

export function stepsToColumn(steps: readonly TemplateStep[] | null | undefined): string | null {
  return steps ? JSON.stringify(steps) : null;
}

/** Absent rather than null in the record: records without steps keep the shape they had before. */
export function stepsFromColumn(text: string | null): { steps?: TemplateStep[] } {
  if (text === null) return {};
  try {
    const parsed = stepsSchema.safeParse(JSON.parse(text));
    return parsed.success ? { steps: parsed.data } : {};
  } catch {
    return {};
  }
}
