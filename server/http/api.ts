// The HTTP API of the contract. Thin routes: parse with zod, call a service, answer JSON.
import { Router, type Request } from 'express';
import type { z } from 'zod';
import { ErrorCode } from '../../shared/errors.js';
import { createWorkshopBody, describeZodError, joinBody } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Config } from '../config.js';
import type { WorkshopService } from '../services/workshops.js';
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

export function createApiRouter(deps: { workshops: WorkshopService; config: Config }): Router {
  const { workshops, config } = deps;
  const api = Router();

  api.post('/workshops', async (req, res) => {
    res.status(201).json(await workshops.create(parseBody(createWorkshopBody, req)));
  });

  api.get('/workshops/:code', async (req, res) => {
    const found = await workshops.infoByCode(req.params.code);
    res.json({ ...found, joinUrl: `${joinBaseUrl(config, req)}/w/${found.code}` });
  });

  api.post('/workshops/:code/participants', async (req, res) => {
    res.status(201).json(await workshops.join(req.params.code, parseBody(joinBody, req)));
  });

  api.use((_req, _res) => {
    throw new AppError(ErrorCode.notFound, 'No such API route.');
  });

  return api;
}
