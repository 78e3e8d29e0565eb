// Personal data over HTTP (issue 15): a participant withdraws their name and words with their own
// token, and the facilitator edits the information notice shown at join time. Mounted before the
// admin router, whose `/participants/:participantId` would otherwise take `me` for an id.
import { Router, type Request } from 'express';
import type { NoticeResult } from '../../shared/api.js';
import { ErrorCode } from '../../shared/errors.js';
import { withdrawBody, workshopPatchBody } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Withdrawal } from '../services/withdrawal.js';
import type { Principal, WorkshopService } from '../services/workshops.js';
import { parseBody } from './api.js';
import { bearer, type Door } from './door.js';

export function createPrivacyRouter(deps: {
  workshops: WorkshopService;
  withdrawal: Withdrawal;
  door: Door;
}): Router {
  const { workshops, withdrawal, door } = deps;
  const router = Router();

  /** The caller's principal in this very workshop (refused keys count against the address). */
  async function principalOf(req: Request): Promise<Principal> {
    const principal = await door.authenticate(bearer(req), door.address(req));
    if (principal.workshopId !== String(req.params.workshopId))
      throw new AppError(ErrorCode.forbidden, 'This token belongs to another workshop.');
    return principal;
  }

  // The participant's own name and words leave the workshop: their row, dots and token at once;
  // their cards anonymised or removed, in the live board, its stored history and the snapshots.
  router.delete('/workshops/:workshopId/participants/me', async (req, res) => {
    const principal = await principalOf(req);
    if (principal.role !== 'participant')
      throw new AppError(
        ErrorCode.forbidden,
        'Only a participant withdraws their own contributions.',
      );
    const { cards } = parseBody(withdrawBody, req);
    const result = await withdrawal.withdraw(principal.workshopId, principal.participantId, cards);
    res.setHeader('Cache-Control', 'no-store');
    res.json(result);
  });

  // The facilitator's settings that are not live commands: the information notice for now.
  router.patch('/workshops/:workshopId', async (req, res) => {
    const principal = await principalOf(req);
    if (principal.role !== 'facilitator')
      throw new AppError(ErrorCode.forbidden, 'Only this workshop’s facilitator key opens this.');
    const { notice } = parseBody(workshopPatchBody, req);
    const live = await workshops.update(principal.workshopId, { notice: notice ? notice : null });
    res.json({ notice: live.record.notice ?? null } satisfies NoticeResult);
  });

  return router;
}
