// The resilience workshop (6 groups, 60 people, 46 recommendations in French, with the ground
// truth of which say the same thing): the repository's one copy of ../shared/fixtures, read from
// here by the demo, the bench, the screenshots and the suggestion tests (CI clones the repository
// alone, so the copy lives inside it).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { languageSchema } from '../../shared/schemas.js';

export const RESILIENCE_FIXTURE_FILE = fileURLToPath(
  new URL('./workshop-resilience.fr.json', import.meta.url),
);

const fixtureSchema = z.object({
  language: languageSchema,
  title: z.string(),
  voteBudget: z.number().int(),
  groups: z.array(z.object({ key: z.string(), name: z.string(), prompt: z.string() })),
  participants: z.array(z.object({ name: z.string(), group: z.string() })),
  recommendations: z.array(
    z.object({
      group: z.string(),
      title: z.string(),
      body: z.string(),
      /** Recommendations with the same cluster say the same thing; null: it stands alone. */
      cluster: z.string().nullable(),
    }),
  ),
});
export type ResilienceFixture = z.infer<typeof fixtureSchema>;

export function loadResilienceFixture(file: string = RESILIENCE_FIXTURE_FILE): ResilienceFixture {
  return fixtureSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
