// Facilitator and organiser calls: snapshots, compare, restore, fork, exports, merge
// suggestions; plus import and the demo workshop. Every call under /workshops/:workshopId
// needs `Authorization: Bearer <facilitatorKey>` of that workshop.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  EXPORT_FORMATS,
  exportFileName,
  type RestoreResult,
  type ScreenKeyResult,
} from '../../shared/api.js';
import { ErrorCode } from '../../shared/errors.js';
import { exportSchema } from '../../shared/export.js';
import { groupDocName } from '../../shared/ids.js';
import { readRecommendations } from '../../shared/doc.js';
import { renderCsv, renderMarkdown } from '../../shared/report.js';
import { languageSchema, snapshotBody } from '../../shared/schemas.js';
import { suggestMerges } from '../../shared/similarity.js';
import { AppError } from '../errors.js';
import { exportAsReadable } from '../services/anonymous-export.js';
import type { BoardService, DocAccess } from '../services/board.js';
import type { SnapshotService } from '../services/snapshots.js';
import type { TemplateService } from '../services/templates.js';
import type { WorkshopService } from '../services/workshops.js';
import { parseBody } from './api.js';
import type { Door } from './door.js';

/** Imports carry a whole board: a larger body limit than the rest of the API. */
const IMPORT_BODY_LIMIT = '8mb';

const exportQuery = z.object({
  format: z.enum(EXPORT_FORMATS).default('json'),
  lang: languageSchema.optional(),
  snapshot: z.string().min(1).max(64).optional(),
});

/** Ids in paths are ours (generateId: 16 characters); anything longer is no id of ours. */
const participantParams = z.object({ participantId: z.string().min(1).max(64) });

const compareQuery = z.object({
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64).default('now'),
});

function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(query)';
    throw new AppError(ErrorCode.invalidPayload, `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  return parsed.data;
}

function workshopIdOf(req: Request): string {
  return String(req.params.workshopId);
}

export function createAdminRouter(deps: {
  workshops: WorkshopService;
  board: BoardService;
  snapshots: SnapshotService;
  docs: DocAccess;
  createDemo: () => Promise<unknown>;
  deleteWorkshop: (workshopId: string) => Promise<void>;
  /** Their name leaves the snapshots saved before a removal (personal data, services/withdrawal.ts). */
  forgetName?: (workshopId: string, participantId: string) => Promise<number>;
  door: Door;
  /** Saving a workshop as a template (GET …/template). */
  templates: TemplateService;
}): Router {
  const { workshops, board, snapshots, docs, door, deleteWorkshop } = deps;
  const router = Router();

  /** The facilitator key of this very workshop: 401 without a valid one, 403 for anyone else's. */
  function bearer(req: Request): string | undefined {
    return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  }

  async function requireFacilitator(req: Request, _res: Response, next: NextFunction) {
    // Through the door: refused keys count against the caller's address.
    const principal = await door.authenticate(bearer(req), door.address(req));
    const workshopId = workshopIdOf(req);
    if (principal.role !== 'facilitator' || principal.workshopId !== workshopId) {
      throw new AppError(ErrorCode.forbidden, 'Only this workshop’s facilitator key opens this.');
    }
    next();
  }

  router.post('/demo', async (req, res) => {
    await door.limits.demo(door.address(req));
    res.status(201).json(await deps.createDemo());
  });

  // The quota is taken before the body (up to 8 MB) is read: refusing then costs nothing.
  const importQuota = async (req: Request, _res: Response, next: NextFunction) => {
    await door.limits.importBoard(door.address(req));
    next();
  };

  router.post(
    '/workshops/import',
    importQuota,
    express.json({ limit: IMPORT_BODY_LIMIT }),
    async (req, res) => {
      const body = req.body as { format?: unknown; version?: unknown } | undefined;
      if (body && body.format === 'atelier.workshop' && body.version !== 1) {
        throw new AppError(
          ErrorCode.invalidPayload,
          `version: this server reads version 1 exports, not ${JSON.stringify(body.version)}.`,
          'version',
        );
      }
      res.status(201).json(await board.importBoard(parseBody(exportSchema, req)));
    },
  );

  // Each route names its guard: /workshops/:code and /workshops/:code/participants are public
  // and live in the other router.
  const w = {
    get: (path: string, handler: (req: Request, res: Response) => Promise<void>) =>
      router.get(`/workshops/:workshopId${path}`, requireFacilitator, handler),
    post: (path: string, handler: (req: Request, res: Response) => Promise<void>) =>
      router.post(`/workshops/:workshopId${path}`, requireFacilitator, handler),
    delete: (path: string, handler: (req: Request, res: Response) => Promise<void>) =>
      router.delete(`/workshops/:workshopId${path}`, requireFacilitator, handler),
  };

  // 1.1: the workshop and everything in it, at once; its code, tokens and keys answer 404 and 401 after.
  w.delete('', async (req, res) => {
    await deleteWorkshop(workshopIdOf(req));
    res.status(204).end();
  });

  // 1.1: their dots go (tallies re-sent), their cards stay, their token opens nothing from now on.
  w.delete('/participants/:participantId', async (req, res) => {
    const parsed = participantParams.safeParse(req.params);
    if (!parsed.success)
      throw new AppError(ErrorCode.invalidPayload, 'participantId: not an id.', 'participantId');
    await workshops.removeParticipant(workshopIdOf(req), parsed.data.participantId);
    await deps.forgetName?.(workshopIdOf(req), parsed.data.participantId);
    res.status(204).end();
  });

  w.post('/snapshots', async (req, res) => {
    const { label } = parseBody(snapshotBody, req);
    const saved = await snapshots.save(workshopIdOf(req), label);
    res.status(201).json(saved);
  });

  w.get('/snapshots', async (req, res) => {
    res.json(await snapshots.list(workshopIdOf(req)));
  });

  w.get('/snapshots/:snapshotId', async (req, res) => {
    const workshopId = workshopIdOf(req);
    res.json(
      exportAsReadable(
        await snapshots.get(workshopId, String(req.params.snapshotId)),
        await workshops.live(workshopId),
      ),
    );
  });

  w.post('/snapshots/:snapshotId/restore', async (req, res) => {
    const before = await snapshots.restore(workshopIdOf(req), String(req.params.snapshotId));
    res.json({
      restored: String(req.params.snapshotId),
      savedBefore: before,
    } satisfies RestoreResult);
  });

  w.post('/snapshots/:snapshotId/fork', async (req, res) => {
    res.status(201).json(await snapshots.fork(workshopIdOf(req), String(req.params.snapshotId)));
  });

  w.get('/compare', async (req, res) => {
    const { from, to } = parseQuery(compareQuery, req);
    res.json(await snapshots.compare(workshopIdOf(req), from, to));
  });

  /** The workshop's groups, questions and budget as an importable template (issue 17). */
  w.get('/template', async (req, res) => {
    const template = deps.templates.fromWorkshop(await workshops.live(workshopIdOf(req)));
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${exportFileName(template.id, 'template.json')}"`,
    );
    res.json(template);
  });

  w.get('/export', async (req, res) => {
    const { format, lang, snapshot } = parseQuery(exportQuery, req);
    const workshopId = workshopIdOf(req);
    const data = exportAsReadable(
      snapshot ? await snapshots.get(workshopId, snapshot) : await board.read(workshopId),
      await workshops.live(workshopId),
    );
    const language = lang ?? data.workshop.language;
    if (format === 'json') {
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${exportFileName(data.workshop.title, 'json')}"`,
      );
      res.json(data);
    } else if (format === 'md') {
      res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${exportFileName(data.workshop.title, 'md')}"`,
      );
      res.send(renderMarkdown(data, language));
    } else if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${exportFileName(data.workshop.title, 'csv')}"`,
      );
      res.send(renderCsv(data, language));
    } else {
      // Office documents: their libraries load on the first such export (server/exports).
      const { renderOffice, OFFICE_TYPES } = await import('../exports/index.js');
      const file = await renderOffice(format, data, language);
      res.setHeader('Content-Type', OFFICE_TYPES[format]);
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${exportFileName(data.workshop.title, format)}"`,
      );
      res.send(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
    }
  });

  // Extension: a read-only key for the projection screen (a shared laptop must not hold full rights).
  w.post('/screen-key', async (req, res) => {
    const screenKey = await workshops.screenKey(workshopIdOf(req), bearer(req)!);
    res.status(201).json({ screenKey } satisfies ScreenKeyResult);
  });

  w.get('/suggestions', async (req, res) => {
    const workshopId = workshopIdOf(req);
    const live = await workshops.live(workshopId);
    const input = [];
    for (const group of live.groups) {
      const recs = await docs.withDoc(workshopId, groupDocName(group.id), readRecommendations);
      for (const rec of recs)
        input.push({ groupId: group.id, id: rec.id, title: rec.title, body: rec.body });
    }
    // Each recommendation's language is detected: a French workshop may hold English cards.
    res.json(suggestMerges(input, { language: 'auto' }));
  });

  return router;
}
