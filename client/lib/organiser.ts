// The organiser's calls: snapshots, compare, restore, fork, exports and import, all with the
// facilitator key as a Bearer token; and where that key comes from (this browser's list of
// created workshops, or the #key= fragment of a facilitator link).
import type { BoardComparison } from '../../shared/compare.js';
import type { BoardExport } from '../../shared/export.js';
import {
  exportFileName,
  type ExportQuery,
  type NoticeResult,
  type RestoreResult,
  type SnapshotSummary,
} from '../../shared/api.js';
import type { CreateWorkshopResult, Language, WorkshopInfo } from '../../shared/schemas.js';
import { api, ApiError, request, send, workshopPath } from './api.js';
import { loadCreated, rememberCreated } from './identity.js';

/** What every organiser call needs: which workshop, and the key that opens it. */
export interface OrganiserAccess {
  workshopId: string;
  code: string;
  key: string;
}

/** The report's language: the workshop's, or the other one. */
export type ReportLang = Language;
// Where the organiser's views have always imported them from.
export type { ExportFormat, SnapshotSummary } from '../../shared/api.js';

/** A call with this workshop's key (none for an import: the file makes a new workshop). */
const json = <T>(access: OrganiserAccess | null, method: string, path: string, body?: unknown) =>
  request<T>(method, path, { key: access?.key ?? null, body });

const base = (access: OrganiserAccess) => workshopPath(access.workshopId);
const snap = (access: OrganiserAccess, id: string) =>
  workshopPath(access.workshopId, 'snapshots', id);

function exportPath(access: OrganiserAccess, options: ExportQuery) {
  const query = new URLSearchParams({ format: options.format });
  if (options.lang) query.set('lang', options.lang);
  if (options.snapshot) query.set('snapshot', options.snapshot);
  return `${base(access)}/export?${query}`;
}

export const organiserApi = {
  listSnapshots: (a: OrganiserAccess) => json<SnapshotSummary[]>(a, 'GET', `${base(a)}/snapshots`),
  saveSnapshot: (a: OrganiserAccess, label: string) =>
    json<SnapshotSummary>(a, 'POST', `${base(a)}/snapshots`, { label }),
  snapshot: (a: OrganiserAccess, id: string) => json<BoardExport>(a, 'GET', snap(a, id)),
  restore: (a: OrganiserAccess, id: string) =>
    json<RestoreResult>(a, 'POST', `${snap(a, id)}/restore`),
  fork: (a: OrganiserAccess, id: string) =>
    json<CreateWorkshopResult>(a, 'POST', `${snap(a, id)}/fork`),
  compare: (a: OrganiserAccess, from: string, to: string | 'now') =>
    json<BoardComparison>(a, 'GET', `${base(a)}/compare?${new URLSearchParams({ from, to })}`),
  /** The board as export JSON: the live one, or a snapshot's. */
  board: (a: OrganiserAccess, snapshot?: string) =>
    json<BoardExport>(a, 'GET', exportPath(a, { format: 'json', snapshot })),
  /** An export file read as a Blob: the Bearer header rules out a plain link. */
  async file(a: OrganiserAccess, options: ExportQuery) {
    const res = await send('GET', exportPath(a, options), { key: a.key });
    return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('content-disposition')) };
  },
  /** Deletes the workshop and everything in it (204); its code answers 404 from then on. */
  deleteWorkshop: async (a: OrganiserAccess) => {
    await send('DELETE', base(a), { key: a.key });
  },
  /** The information notice shown at join time; '' or null brings the default text back. */
  setNotice: (a: OrganiserAccess, notice: string | null) =>
    json<NoticeResult>(a, 'PATCH', base(a), { notice }),
  /** A whole board from an export file becomes a new workshop; a bad file answers 400 with why. */
  importWorkshop: (board: unknown) =>
    json<CreateWorkshopResult>(null, 'POST', '/api/workshops/import', board),
};

/** The file name a Content-Disposition header proposes, if any. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // Fall back to the plain parameter.
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() || null;
}

/**
 * Downloads an export: fetch with the key, then a Blob behind an object URL and an <a download>.
 * The two Markdown reports carry their language in the name, so both can sit in one folder.
 */
export async function downloadExport(
  access: OrganiserAccess,
  options: ExportQuery & { title: string },
): Promise<string> {
  const { blob, fileName } = await organiserApi.file(access, options);
  let name = fileName ?? exportFileName(options.title, options.format);
  if (options.format === 'md' && options.lang)
    name = name.replace(/(\.md)?$/, `.${options.lang}.md`);
  saveBlob(blob, name);
  return name;
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the click; the URL is released once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The facilitator key in the page's fragment (`#key=…`), as facilitatorLink() writes it. */
export function keyFromFragment(hash: string = location.hash): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const key = params.get('key');
  return key && key.length >= 16 ? key : null;
}

/** Takes the key out of the address bar once read: it should not end up in a screenshot or a shared URL. */
export function clearFragment(): void {
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
}

export type AccessResult =
  | { ok: true; access: OrganiserAccess; info: WorkshopInfo }
  | {
      ok: false;
      reason: 'not_found' | 'no_key' | 'forbidden' | 'network' | 'other';
      message?: string;
    };

/**
 * Finds the key of a workshop by its code: the fragment's first (someone who only has the link),
 * then this browser's created list. A key from a fragment that works is remembered, so the
 * workshop then appears in "My workshops".
 */
export async function resolveAccess(code: string): Promise<AccessResult> {
  let info: WorkshopInfo;
  try {
    info = await api.workshop(code);
  } catch (error) {
    return failureResult(error);
  }
  const fromFragment = keyFromFragment();
  const created = loadCreated().find((w) => w.workshopId === info.workshopId);
  const key = fromFragment ?? created?.facilitatorKey ?? null;
  if (!key) return { ok: false, reason: 'no_key' };
  const access = { workshopId: info.workshopId, code: info.code, key };
  if (fromFragment && fromFragment !== created?.facilitatorKey) {
    try {
      const board = await organiserApi.board(access);
      rememberCreated({
        workshopId: info.workshopId,
        code: info.code,
        title: info.title,
        facilitatorKey: key,
        createdAt: board.workshop.createdAt,
      });
    } catch (error) {
      return failureResult(error);
    }
  }
  clearFragment();
  return { ok: true, access, info };
}

function failureResult(error: unknown): AccessResult {
  if (error instanceof ApiError) {
    if (error.code === 'not_found') return { ok: false, reason: 'not_found' };
    if (error.code === 'forbidden' || error.code === 'unauthorized')
      return { ok: false, reason: 'forbidden' };
    if (error.code === 'network') return { ok: false, reason: 'network' };
    return { ok: false, reason: 'other', message: error.message };
  }
  return { ok: false, reason: 'other', message: String(error) };
}

/** A fork or an import: remembered as created here, with the title it carries. */
export function rememberNew(result: CreateWorkshopResult, title: string): void {
  rememberCreated({
    workshopId: result.workshopId,
    code: result.code,
    title,
    facilitatorKey: result.facilitatorKey,
    createdAt: Date.now(),
  });
}
