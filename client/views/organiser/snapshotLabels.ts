// How the organiser's pages write a snapshot's time, in the interface's language: the time alone
// today, the date too on another day.
import { formatDate, t } from '../../lib/i18n.svelte.js';
import type { SnapshotSummary } from '../../lib/organiser.js';
import { isSameDay } from './snapshotDays.js';

export const timeOf = (ms: number) => formatDate(ms, { timeStyle: 'short' });

export const longDate = (ms: number) => formatDate(ms, { dateStyle: 'long', timeStyle: 'short' });

/** A day's heading in the timeline: "Aujourd’hui", or the full date. */
export const dayLabel = (ms: number) =>
  isSameDay(ms, Date.now()) ? t('snapshots.today') : formatDate(ms, { dateStyle: 'full' });

/** "14:32 · Avant la pause", with the date only for another day. */
export const optionLabel = (s: SnapshotSummary) =>
  `${isSameDay(s.createdAt, Date.now()) ? timeOf(s.createdAt) : formatDate(s.createdAt, { dateStyle: 'short', timeStyle: 'short' })} · ${s.label}`;
