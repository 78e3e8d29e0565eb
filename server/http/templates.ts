// Templates over HTTP (issue 17): the built-in methods, public like the accessibility statement;
// creating a workshop from one goes through POST /api/workshops (http/api.ts).
import { Router } from 'express';
import { z } from 'zod';
import { languageSchema } from '../../shared/schemas.js';
import { TEMPLATE_ID } from '../../shared/templates.js';
import { AppError } from '../errors.js';
import { ErrorCode } from '../../shared/errors.js';
import type { TemplateService } from '../services/templates.js';
import type { Door } from './door.js';

const listQuery = z.object({ lang: languageSchema.default('fr') });

export function createTemplateRouter(deps: { templates: TemplateService; door: Door }): Router {
  const { templates, door } = deps;
  const router = Router();

  router.get('/templates', async (req, res) => {
    await door.limits.lookup(door.address(req));
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw new AppError(ErrorCode.invalidPayload, 'lang: fr or en.', 'lang');
    res.setHeader('Cache-Control', 'no-cache');
    res.json(templates.list(query.data.lang));
  });

  /** The whole template, in the importable JSON format (both languages). */
  router.get('/templates/:id', async (req, res) => {
    await door.limits.lookup(door.address(req));
    const id = String(req.params.id);
    if (!TEMPLATE_ID.test(id)) throw new AppError(ErrorCode.notFound, 'No such template.');
    res.setHeader('Cache-Control', 'no-cache');
    res.json(templates.get(id));
  });

  return router;
}
