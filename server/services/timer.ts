// The facilitator's timer: when it ends, given the clock. Plain arithmetic over the workshop
// record (no socket, no store): the realtime commands and the unit tests call the same rules.
import type { WorkshopPatch, WorkshopRecord } from '../store/store.js';

/** A timer of `seconds` started now; `freezeAtZero` pauses participants' writing when it runs out. */
export function startTimer(
  now: number,
  seconds: number,
  freezeAtZero = false,
): { endsAt: number; patch: WorkshopPatch } {
  const endsAt = now + seconds * 1000;
  return { endsAt, patch: { timerEndsAt: endsAt, timerFreeze: freezeAtZero } };
}

/**
 * `seconds` more on the running timer. Adding to a timer that ran out (or to none) starts from
 * now, not from the past: a minute added always gives at least a minute.
 */
export function extendTimer(
  record: Pick<WorkshopRecord, 'timerEndsAt'>,
  now: number,
  seconds: number,
): { endsAt: number; patch: WorkshopPatch } {
  const endsAt = Math.max(now, record.timerEndsAt ?? 0) + seconds * 1000;
  return { endsAt, patch: { timerEndsAt: endsAt } };
}

/** No timer runs, and nobody's writing stays frozen by one that ran out. */
export function stopTimer(): { endsAt: null; patch: WorkshopPatch } {
  return { endsAt: null, patch: { timerEndsAt: null, timerFreeze: false } };
}
