// Personal data on the participant's side (issue 15): withdrawing one's name and words, the
// information notice shown at join time, and forgetting everything this browser kept of a
// workshop (identity, last info and phase in localStorage, its documents in IndexedDB).
import type { WithdrawResult } from '../../shared/api.js';
import type { WithdrawMode, WorkshopInfo } from '../../shared/schemas.js';
import { request, workshopPath } from './api.js';
import { t } from './i18n.svelte.js';
import { forgetIdentity } from './identity.js';

/** Why a participant's board closes: Workshop.svelte says it in words. */
export type LeaveReason = 'unauthorized' | 'leave' | 'removed' | 'deleted' | 'withdrawn';

/** DELETE …/participants/me with the participant's own token. */
export async function withdrawMe(
  workshopId: string,
  token: string,
  cards: WithdrawMode,
): Promise<WithdrawResult> {
  return request<WithdrawResult>('DELETE', workshopPath(workshopId, 'participants', 'me'), {
    key: token,
    body: { cards },
  });
}

/** The notice shown at join time: the organiser's text, or the default built from the retention. */
export function noticeText(info: Pick<WorkshopInfo, 'notice' | 'retentionDays'>): string {
  if (info.notice) return info.notice;
  return defaultNotice(info.retentionDays);
}

export function defaultNotice(retentionDays: number | undefined): string {
  const keep =
    retentionDays && retentionDays > 0
      ? t('privacy.noticeKeep', { days: retentionDays })
      : t('privacy.noticeKeepForever');
  return [t('privacy.noticeCollect'), keep, t('privacy.noticeWithdraw')].join(' ');
}

/** localStorage keys this browser keeps per workshop code (see identity.ts). */
const PER_CODE_PREFIXES = ['atelier.workshop.', 'atelier.phase.'];

/**
 * Forgets everything this browser kept of a workshop: the identity, the last info and phase, and
 * the IndexedDB copies of its documents (`atelier:<workshopId>:<docName>`, see groupdoc.svelte.ts).
 * Call it once the board is gone: a database still open is deleted when its page lets go of it.
 */
export async function forgetWorkshop(
  code: string,
  workshopId: string,
  docNames: string[] = [],
): Promise<void> {
  forgetIdentity(code);
  try {
    for (const prefix of PER_CODE_PREFIXES) localStorage.removeItem(prefix + code.toUpperCase());
    localStorage.removeItem(`atelier.dismissed.${workshopId}`);
  } catch {
    // No storage: nothing was kept.
  }
  if (typeof indexedDB === 'undefined') return;
  const names = new Set(docNames.map((doc) => `atelier:${workshopId}:${doc}`));
  try {
    // Every document of the workshop this browser opened, including other groups' it looked at.
    for (const db of await indexedDB.databases())
      if (db.name?.startsWith(`atelier:${workshopId}:`)) names.add(db.name);
  } catch {
    // indexedDB.databases() is missing in some browsers: the names we know are deleted.
  }
  await Promise.all(
    [...names].map(
      (name) =>
        new Promise<void>((resolve) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = request.onerror = () => resolve();
          // Blocked: a connection is still open; the deletion completes when it closes.
          request.onblocked = () => resolve();
        }),
    ),
  );
}
