// The facilitator's HTTP calls (Authorization: Bearer <facilitatorKey>): merge suggestions and
// the projection's read-only key; and the demo workshop, which needs no key.
import type { CrowdReport, ScreenKeyResult } from '../../shared/api.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import type { MergeSuggestion } from '../../shared/similarity.js';
import { request, workshopPath } from './api.js';

export const adminApi = {
  suggestions: (workshopId: string, key: string) =>
    request<MergeSuggestion[]>('GET', workshopPath(workshopId, 'suggestions'), { key }),
  screenKey: (workshopId: string, key: string) =>
    request<ScreenKeyResult>('POST', workshopPath(workshopId, 'screen-key'), { key }),
  createDemo: () => request<CreateWorkshopResult>('POST', '/api/demo'),
  /** 1.1: their dots go, their cards stay, their token opens nothing any more. */
  removeParticipant: (workshopId: string, key: string, participantId: string) =>
    request<null>('DELETE', workshopPath(workshopId, 'participants', participantId), { key }),
  /** Addresses that joined far more people than a room would (server/http/crowd.ts). */
  crowd: (workshopId: string, key: string) =>
    request<CrowdReport>('GET', workshopPath(workshopId, 'crowd'), { key }),
};
