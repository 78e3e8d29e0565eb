// The HTTP API of the contract. Thin routes: parse with zod, call a service, answer JSON.
import { Router, type Request } from 'express';
import type { z } from 'zod';
import { ErrorCode } from '../../shared/errors.js';
import { createWorkshopBody, describeZodError, joinBody } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Config } from '../config.js';
import type { TemplateService } from '../services/templates.js';
import type { WorkshopService } from '../services/workshops.js';
import { createFromTemplateBody } from '../../shared/templates.js';
import type { Door } from './door.js';
import { joinBaseUrl } from './join-url.js';

/** Parses a request body or throws a 400 naming the first offending field. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const parsed = schema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new AppError(ErrorCode.invalidPayload, message, field);
  }
  return parsed.data;
}

export function createApiRouter(deps: {
  workshops: WorkshopService;
  config: Config;
  door: Door;
  templates: TemplateService;
}): Router {
  const { workshops, config, door, templates } = deps;
  const api = Router();

  api.post('/workshops', async (req, res) => {
    // Extension (issue 17): `{template, title}` takes the groups and questions from a template.
    const fromTemplate =
      typeof req.body === 'object' && req.body !== null && 'template' in req.body;
    const parsed = fromTemplate ? parseBody(createFromTemplateBody, req) : null;
    const body = parsed ? templates.expand(parsed) : parseBody(createWorkshopBody, req);
    // Issue 16: the template's phases and durations stay with the workshop (the console's timer).
    const steps = parsed
      ? (typeof parsed.template === 'string' ? templates.get(parsed.template) : parsed.template)
          .steps
      : undefined;
    await door.limits.create(door.address(req));
    res.status(201).json(await workshops.create(body, steps ? { steps } : {}));
  });

  /** A workshop by its code; an unknown code counts against this address (codes are guessable). */
  async function lookUp(req: Request) {
    const address = door.address(req);
    await door.limits.lookup(address);
    try {
      return await workshops.infoByCode(String(req.params.code));
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.notFound)
        await door.limits.lookupFailed(address);
      throw error;
    }
  }

  api.get('/workshops/:code', async (req, res) => {
    const found = await lookUp(req);
    res.json({
      ...found,
      retentionDays: config.retentionDays,
      joinUrl: `${joinBaseUrl(config, req)}/w/${found.code}`,
    });
  });

  api.post('/workshops/:code/participants', async (req, res) => {
    const body = parseBody(joinBody, req);
    const { workshopId } = await lookUp(req);
    const address = door.address(req);
    await door.limits.join(workshopId, address);
    const release = await door.reserveSeat(workshopId);
    try {
      const joined = await workshops.join(String(req.params.code), body);
      door.crowd.joined(workshopId, address);
      res.status(201).json(joined);
    } finally {
      release();
    }
  });

  api.use((_req, _res) => {
    throw new AppError(ErrorCode.notFound, 'No such API route.');
  });

  return api;
}
