// The client's one HTTP call (send, request) and the public API as typed functions. Errors come
// back as ApiError with the contract's code; the other modules' calls go through `request` too.
import type { AccessibilityInfo } from '../../shared/api.js';
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

/** What a failed answer carries: the contract's `{error: {code, message, field?}}`. */
async function failure(res: Response): Promise<ApiError> {
  const data = (await res.json().catch(() => null)) as {
    error?: { code?: string; message?: string; field?: string };
  } | null;
  const error = data?.error;
  return new ApiError(
    res.status,
    error?.code ?? 'internal_error',
    error?.message ?? res.statusText,
    error?.field,
  );
}

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** A secret (facilitator key, participant token), sent as `Authorization: Bearer`. */
  key?: string | null;
}

/**
 * The one HTTP call of the client: a failed answer throws ApiError with the contract's code, no
 * network throws ApiError with status 0 and code `network`.
 */
export async function send(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (!res.ok) throw await failure(res);
  return res;
}

/** `send`, then the answer's JSON (null for an empty answer, a 204). */
export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const res = await send(method, path, options);
  return (await res.json().catch(() => null)) as T;
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

/** `/api/workshops/<id>/…`, each part path-encoded (an id, a code, then fixed words). */
export function workshopPath(workshopIdOrCode: string, ...rest: string[]): string {
  return `/api/workshops/${[workshopIdOrCode, ...rest].map(encodeURIComponent).join('/')}`;
}

export const api = {
  createWorkshop: (body: CreateWorkshopBody) =>
    request<CreateWorkshopResult>('POST', '/api/workshops', { body }),
  workshop: (code: string) => request<WorkshopInfo>('GET', workshopPath(code)),
  join: (code: string, body: JoinBody) =>
    request<JoinResult>('POST', workshopPath(code, 'participants'), { body }),
  /** Where to report an accessibility problem (ACCESSIBILITY_CONTACT), for /accessibilite. */
  accessibility: () => request<AccessibilityInfo>('GET', '/api/accessibility'),
};
