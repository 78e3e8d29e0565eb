// The HTTP API's answers beyond the contract's core (which stay in schemas.ts beside their
// bodies): the types both the server's routes and the client's calls are written against, the
// export query's words, and the file name an export is given. One definition each.
import type { Language } from './schemas.js';

/** `GET …/export?format=`: the board as data (json, csv), prose (md) or an office document. */
export const EXPORT_FORMATS = ['json', 'md', 'csv', 'odt', 'docx', 'ods', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `GET …/export` query: which format, the report's language (the workshop's by default), which snapshot. */
export interface ExportQuery {
  format: ExportFormat;
  lang?: Language;
  snapshot?: string;
}

/** Saved by hand, or automatically (at a phase change, or before a restore). */
export type SnapshotKind = 'manual' | 'auto';

/** `POST /snapshots` and each entry of `GET /snapshots`. */
export interface SnapshotSummary {
  snapshotId: string;
  label: string;
  createdAt: number;
  kind: SnapshotKind;
}

/** `POST /snapshots/:snapshotId/restore`. */
export interface RestoreResult {
  restored: string;
  /** The board as it was just before: restoring it undoes the restore. */
  savedBefore: SnapshotSummary;
}

/** `POST …/tickets`: a short-lived stand-in for a secret in WebSocket URLs. */
export interface TicketResult {
  ticket: string;
  /** ms since the epoch */
  expiresAt: number;
}

/** `POST …/screen-key`: the projection's read-only key. */
export interface ScreenKeyResult {
  screenKey: string;
}

/** `GET …/crowd`: addresses that joined far more people than a room would. */
export interface CrowdReport {
  /** Joins from one address past which a warning is raised (CROWD_WARNING). */
  threshold: number;
  /** Addresses past it, busiest first: a short label (not the address) and their joins. */
  addresses: { label: string; joins: number }[];
}

/** `PATCH /api/workshops/:workshopId`: the information notice now in force (null: the default text). */
export interface NoticeResult {
  notice: string | null;
}

/** `DELETE …/participants/me`: what a participant's withdrawal changed. */
export interface WithdrawResult {
  /** Cards of theirs anonymised or removed from the live board. */
  cards: number;
  /** Snapshots rewritten without them. */
  snapshots: number;
}

/** `GET /api/accessibility`: where to report an accessibility problem (ACCESSIBILITY_CONTACT). */
export interface AccessibilityInfo {
  contact: string | null;
}

/** Letters of a title kept in a file name: accents dropped, anything else a dash, 60 at most. */
const FILE_STEM_MAX = 60;

/**
 * The file name of an export (Content-Disposition on the server, the download's name in the
 * page when the header gives none): the title's letters and digits, lower case, dashes between.
 */
export function exportFileName(title: string, extension: string): string {
  const stem = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, FILE_STEM_MAX)
    .toLowerCase();
  return `${stem || 'atelier'}.${extension}`;
}
