// The facilitator's HTTP calls (Authorization: Bearer <facilitatorKey>): merge suggestions and
// the projection's read-only key; and the demo workshop, which needs no key.
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import type { MergeSuggestion } from '../../shared/similarity.js';
import { ApiError } from './api.js';

async function call<T>(method: string, path: string, key: string | null): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: key ? { authorization: `Bearer ${key}` } : {} });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'internal_error',
      error?.message ?? res.statusText,
    );
  }
  return data as T;
}

export const adminApi = {
  suggestions: (workshopId: string, key: string) =>
    call<MergeSuggestion[]>(
      'GET',
      `/api/workshops/${encodeURIComponent(workshopId)}/suggestions`,
      key,
    ),
  screenKey: (workshopId: string, key: string) =>
    call<{ screenKey: string }>(
      'POST',
      `/api/workshops/${encodeURIComponent(workshopId)}/screen-key`,
      key,
    ),
  createDemo: () => call<CreateWorkshopResult>('POST', '/api/demo', null),
  /** 1.1: their dots go, their cards stay, their token opens nothing any more. */
  removeParticipant: (workshopId: string, key: string, participantId: string) =>
    call<null>(
      'DELETE',
      `/api/workshops/${encodeURIComponent(workshopId)}/participants/${encodeURIComponent(participantId)}`,
      key,
    ),
  /** Addresses that joined far more people than a room would (server/http/crowd.ts). */
  crowd: (workshopId: string, key: string) =>
    call<{ threshold: number; addresses: { label: string; joins: number }[] }>(
      'GET',
      `/api/workshops/${encodeURIComponent(workshopId)}/crowd`,
      key,
    ),
};
