// Workshop templates: the shape of a method (its groups and their questions, the phases in order
// with their default durations, the vote budget), the schema an imported template must pass, and
// how a template becomes the body of a workshop creation. The built-in ones are in
// shared/templates-builtin.ts.
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { PHASES, type Phase } from './phases.js';
import { createWorkshopBody, languageSchema, type Language } from './schemas.js';

/** Text in both languages, or in one (an organiser's own template is written in one language). */
const localised = (max: number, min = 1) =>
  z.union([
    z.string().trim().min(min).max(max),
    z.strictObject({
      fr: z.string().trim().min(min).max(max),
      en: z.string().trim().min(min).max(max),
    }),
  ]);
export type Localised = z.infer<ReturnType<typeof localised>>;

/** What a template's step does to the groups before it starts (rounds; see docs/methods.md). */
export const FORMATIONS = [
  /** The groups stay as they are. */
  'keep',
  /** Everyone writes alone (private writing), each in their own group's document. */
  'solo',
  /** Groups of two, then of four: the previous step's cards become the new groups' sources. */
  'pairs',
  'fours',
  /** World Café: tables keep their board and host, the others move to another table. */
  'rotate',
  /** Everyone together on the merged board. */
  'plenary',
] as const;
export type Formation = (typeof FORMATIONS)[number];

export const templateStepSchema = z.strictObject({
  phase: z.enum(PHASES),
  /** The countdown the console offers for this step, in minutes; null: no timer. */
  minutes: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.timerSecondsMax / 60)
    .nullable(),
  /** How groups form for this step; absent means `keep`. */
  formation: z.enum(FORMATIONS).optional(),
  /** What the facilitator says or shows at this step. */
  note: localised(LIMITS.groupPrompt).optional(),
});
export type TemplateStep = z.infer<typeof templateStepSchema>;

export const TEMPLATE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const templateSchema = z.strictObject({
  format: z.literal('atelier.template').default('atelier.template'),
  version: z.literal(1).default(1),
  id: z.string().regex(TEMPLATE_ID),
  name: localised(LIMITS.workshopTitle),
  description: localised(LIMITS.notice),
  /** The language the template was written in, when its texts are in one language only. */
  language: languageSchema.optional(),
  voteBudget: z.number().int().min(1).max(LIMITS.voteBudgetMax),
  groups: z
    .array(
      z.strictObject({
        name: localised(LIMITS.groupName),
        prompt: localised(LIMITS.groupPrompt, 0),
      }),
    )
    .min(1)
    .max(LIMITS.groupsPerWorkshop),
  steps: z.array(templateStepSchema).min(1).max(40),
});
export type Template = z.infer<typeof templateSchema>;
export type TemplateInput = z.input<typeof templateSchema>;

/** The usual day when nothing says otherwise (a workshop saved as a template keeps these). */
export const DEFAULT_STEPS: readonly TemplateStep[] = [
  { phase: 'lobby', minutes: null },
  { phase: 'write', minutes: 20 },
  { phase: 'vote', minutes: 5 },
  { phase: 'merge', minutes: 15 },
  { phase: 'prioritise', minutes: 10 },
  { phase: 'closed', minutes: null },
];

/** What `GET /api/templates` lists: enough to choose, in the asked language. */
export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  groups: string[];
  steps: { phase: Phase; minutes: number | null; formation: Formation }[];
  /** Total of the steps' default durations, in minutes. */
  minutes: number;
  voteBudget: number;
}

/** The text in the asked language (an organiser's single-language text stands for both). */
export function pick(text: Localised, language: Language): string {
  return typeof text === 'string' ? text : text[language];
}

export function summarise(template: Template, language: Language): TemplateSummary {
  const steps = template.steps.map((step) => ({
    phase: step.phase,
    minutes: step.minutes,
    formation: step.formation ?? 'keep',
  }));
  return {
    id: template.id,
    name: pick(template.name, language),
    description: pick(template.description, language),
    groups: template.groups.map((group) => pick(group.name, language)),
    steps,
    minutes: steps.reduce((sum, step) => sum + (step.minutes ?? 0), 0),
    voteBudget: template.voteBudget,
  };
}

/** The groups and budget a workshop created from this template starts with. */
export function workshopFromTemplate(template: Template, language: Language) {
  return {
    groups: template.groups.map((group) => ({
      name: pick(group.name, language),
      prompt: pick(group.prompt, language),
    })),
    voteBudget: template.voteBudget,
  };
}

/** The default countdown of a phase in this template, in seconds (the first step in it wins). */
export function defaultSeconds(template: Template, phase: Phase): number | null {
  const step = template.steps.find((candidate) => candidate.phase === phase);
  return step?.minutes ? step.minutes * 60 : null;
}

/**
 * Extension of `POST /api/workshops`: `{template, title}` where `template` is a built-in id or a
 * whole template (an organiser's own, as exported). Groups, questions and budget come from it;
 * `voteBudget` may still be given to override the template's.
 */
export const createFromTemplateBody = createWorkshopBody
  .omit({ groups: true, voteBudget: true })
  .extend({
    template: z.union([z.string().regex(TEMPLATE_ID), templateSchema]),
    voteBudget: z.number().int().min(1).max(LIMITS.voteBudgetMax).optional(),
  });
export type CreateFromTemplateBody = z.input<typeof createFromTemplateBody>;
