// Templates on the client (issue 17): the methods the server offers, and reading an organiser's
// own template file before it is sent (the server checks it against the schema).
import type { CreateWorkshopResult, Language } from '../../shared/schemas.js';
import type { CreateFromTemplateBody, TemplateSummary } from '../../shared/templates.js';
import { request } from './api.js';

/** `custom`: the groups typed in the form; another string: a template id; an object: an imported file. */
export type MethodChoice = string | Record<string, unknown>;

export const listTemplates = (language: Language) =>
  request<TemplateSummary[]>('GET', `/api/templates?lang=${language}`);

/** An organiser's template file, parsed: an object to send as `template`, or null if it is no JSON. */
export async function readTemplateFile(file: File): Promise<Record<string, unknown> | null> {
  // 256 KiB is the API's body limit: a larger file could not be sent anyway.
  if (file.size > 256 * 1024) return null;
  try {
    const parsed: unknown = JSON.parse(await file.text());
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The name an imported template gives itself, in the workshop's language when it has both. */
export function importedName(template: Record<string, unknown>, language: Language): string {
  const name = template.name;
  if (typeof name === 'string') return name;
  if (typeof name === 'object' && name !== null) {
    const value = (name as Record<string, unknown>)[language];
    if (typeof value === 'string') return value;
  }
  return '';
}

/** `POST /api/workshops {template, title}`: groups, questions and budget from the template. */
export const createFromTemplate = (
  // An imported file is sent as read: the server checks it against the template schema.
  body: Omit<CreateFromTemplateBody, 'template'> & { template: MethodChoice },
) => request<CreateWorkshopResult>('POST', '/api/workshops', { body });
