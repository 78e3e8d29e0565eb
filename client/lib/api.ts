// The HTTP API as typed functions. Errors come back as ApiError with the contract's code.
import type {
  CreateWorkshopBody,
  CreateWorkshopResult,
  JoinBody,
  JoinResult,
  WorkshopInfo,
} from '../../shared/schemas.js';
import { t } from './i18n.svelte.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; field?: string } } | null)
      ?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'internal_error',
      error?.message ?? res.statusText,
      error?.field,
    );
  }
  return data as T;
}

/**
 * The words for a failed look-up of a workshop by its code: unknown code, no network, or the
 * server's own message.
 */
export function describeLoadError(error: unknown): string {
  if (error instanceof ApiError && error.code === 'not_found') return t('join.notFound');
  if (error instanceof ApiError && error.code === 'network') return t('errors.network');
  if (error instanceof ApiError && error.code === 'rate_limited') return t('errors.rateLimited');
  return t('errors.generic', { message: String((error as Error).message) });
}

export const api = {
  createWorkshop: (body: CreateWorkshopBody) =>
    request<CreateWorkshopResult>('POST', '/api/workshops', body),
  workshop: (code: string) =>
    request<WorkshopInfo>('GET', `/api/workshops/${encodeURIComponent(code)}`),
  join: (code: string, body: JoinBody) =>
    request<JoinResult>('POST', `/api/workshops/${encodeURIComponent(code)}/participants`, body),
  /** Where to report an accessibility problem (ACCESSIBILITY_CONTACT), for /accessibilite. */
  accessibility: () => request<{ contact: string | null }>('GET', '/api/accessibility'),
};
