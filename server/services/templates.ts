// Templates: the built-in methods, a template turned into a workshop creation, and a workshop
// turned back into a template an organiser can keep and import again.
import type { z } from 'zod';
import { ErrorCode } from '../../shared/errors.js';
import type { Language } from '../../shared/schemas.js';
import type { createWorkshopBody } from '../../shared/schemas.js';
import { BUILTIN_TEMPLATES } from '../../shared/templates-builtin.js';
import {
  DEFAULT_STEPS,
  summarise,
  templateSchema,
  workshopFromTemplate,
  type createFromTemplateBody,
  type Template,
  type TemplateSummary,
} from '../../shared/templates.js';
import { AppError } from '../errors.js';
import type { LiveWorkshop } from './workshops.js';

export interface TemplateService {
  list(language: Language): TemplateSummary[];
  /** A built-in template, whole; throws not_found. */
  get(id: string): Template;
  /** The creation body a `{template, title}` request stands for. */
  expand(body: z.output<typeof createFromTemplateBody>): z.output<typeof createWorkshopBody>;
  /** A workshop's groups, questions and budget as a template (in the workshop's language). */
  fromWorkshop(live: LiveWorkshop): Template;
}

export function createTemplateService(): TemplateService {
  // Parsed once at start-up: a built-in template that breaks its own schema stops the server.
  const builtin = new Map(
    BUILTIN_TEMPLATES.map((input) => {
      const template = templateSchema.parse(input);
      return [template.id, template] as const;
    }),
  );

  function get(id: string): Template {
    const template = builtin.get(id);
    if (!template) throw new AppError(ErrorCode.notFound, `No template has the id "${id}".`);
    return template;
  }

  return {
    list: (language) => [...builtin.values()].map((template) => summarise(template, language)),
    get,
    expand(body) {
      const { template: chosen, voteBudget, ...rest } = body;
      const template = typeof chosen === 'string' ? get(chosen) : chosen;
      const fromTemplate = workshopFromTemplate(template, body.language);
      return { ...rest, ...fromTemplate, voteBudget: voteBudget ?? fromTemplate.voteBudget };
    },
    fromWorkshop(live) {
      const { record, groups } = live;
      const slug = record.title
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40)
        .replace(/-+$/, '');
      return templateSchema.parse({
        id: slug || 'atelier',
        name: record.title,
        description: record.title,
        language: record.language,
        voteBudget: record.voteBudget,
        groups: groups.map((group) => ({ name: group.name, prompt: group.prompt })),
        // The template it was created from lives on in it (issue 16), else the usual day.
        steps: record.steps ?? DEFAULT_STEPS,
      });
    },
  };
}
