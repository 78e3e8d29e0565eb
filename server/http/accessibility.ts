// The accessibility statement's one configurable line (issue 15): who to tell about a problem,
// from ACCESSIBILITY_CONTACT. Public: the statement is readable by anyone, without a workshop.
import { Router } from 'express';
import type { AccessibilityInfo } from '../../shared/api.js';
import type { Config } from '../config.js';

export function createAccessibilityRouter(config: Pick<Config, 'accessibilityContact'>): Router {
  const router = Router();
  router.get('/accessibility', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ contact: config.accessibilityContact } satisfies AccessibilityInfo);
  });
  return router;
}
