// Joins per address in each workshop, so the facilitator hears when one address joins far more
// people than a room would (a script filling the workshop). Addresses are kept only as a keyed
// hash (HMAC with a per-process key: the 2^32 IPv4 addresses cannot be tried back from it) and
// only in memory; nothing of them is ever shown but a short label and a count.
import { createHmac, randomBytes } from 'node:crypto';
import type { CrowdReport } from '../../shared/api.js';

/** Addresses kept per workshop: joins are capped by MAX_PARTICIPANTS, so this bounds nothing honest. */
const MAX_ADDRESSES_PER_WORKSHOP = 10_000;

export interface Crowd {
  joined(workshopId: string, address: string): void;
  report(workshopId: string): CrowdReport;
  /** The workshop is gone: its counts go too. */
  forget(workshopId: string): void;
}

export function createCrowd(threshold: number): Crowd {
  const key = randomBytes(32);
  const joins = new Map<string, Map<string, number>>();

  return {
    joined(workshopId, address) {
      const label = createHmac('sha256', key).update(address).digest('base64url').slice(0, 8);
      let counts = joins.get(workshopId);
      if (!counts) {
        counts = new Map();
        joins.set(workshopId, counts);
      }
      if (!counts.has(label) && counts.size >= MAX_ADDRESSES_PER_WORKSHOP) return;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    },
    forget(workshopId) {
      joins.delete(workshopId);
    },
    report(workshopId) {
      const addresses = [...(joins.get(workshopId) ?? new Map<string, number>())]
        .filter(([, n]) => n > threshold)
        .map(([label, n]) => ({ label, joins: n }))
        .sort((a, b) => b.joins - a.joins);
      return { threshold, addresses };
    },
  };
}
