// What this browser remembers, in localStorage: who it is in each workshop it joined (so a
// reload or a closed lid brings the same person back), and the workshops it created (with their
// facilitator keys, for the organiser view), and the last phase each workshop was seen in.
import { PHASES, type Phase } from '../../shared/phases.js';
import type { WorkshopInfo } from '../../shared/schemas.js';

export interface Identity {
  participantId: string;
  token: string;
  groupId: string;
  name: string;
}

export interface CreatedWorkshop {
  workshopId: string;
  code: string;
  title: string;
  facilitatorKey: string;
  createdAt: number;
}

const IDENTITY_PREFIX = 'atelier.identity.';
const INFO_PREFIX = 'atelier.workshop.';
const CREATED_KEY = 'atelier.created';
const PHASE_PREFIX = 'atelier.phase.';

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or unavailable: the session still works, it just won't be remembered.
  }
}

export function loadIdentity(code: string): Identity | null {
  const value = read<Identity>(IDENTITY_PREFIX + code.toUpperCase());
  return value && typeof value.token === 'string' && typeof value.participantId === 'string'
    ? value
    : null;
}

export function saveIdentity(code: string, identity: Identity): void {
  write(IDENTITY_PREFIX + code.toUpperCase(), identity);
}

export function forgetIdentity(code: string): void {
  try {
    localStorage.removeItem(IDENTITY_PREFIX + code.toUpperCase());
  } catch {
    // Nothing to forget.
  }
}

export function loadCreated(): CreatedWorkshop[] {
  const list = read<CreatedWorkshop[]>(CREATED_KEY);
  return Array.isArray(list) ? list : [];
}

export function rememberCreated(workshop: CreatedWorkshop): void {
  write(CREATED_KEY, [
    workshop,
    ...loadCreated().filter((w) => w.workshopId !== workshop.workshopId),
  ]);
}

/** Takes a workshop out of this browser's list (the workshop itself lives on). */
export function forgetCreated(workshopId: string): void {
  write(
    CREATED_KEY,
    loadCreated().filter((w) => w.workshopId !== workshopId),
  );
}

export function facilitatorLink(origin: string, code: string, key: string): string {
  // The key travels in the fragment: browsers never send it to servers or write it in logs.
  return `${origin}/w/${code}/facilitate#key=${encodeURIComponent(key)}`;
}

/** The workshop as last seen, so a laptop that reloads without network can still open its board. */
export function rememberWorkshopInfo(info: WorkshopInfo): void {
  write(INFO_PREFIX + info.code.toUpperCase(), info);
  rememberPhase(info.code, info.phase);
}

/** The last phase this laptop knew for a workshop, and when (ms since the epoch). */
export interface KnownPhase {
  phase: Phase;
  at: number;
}

/**
 * Kept at every phase the live session reports, so a reload without network shows the phase the
 * room was in when the wifi went (the workshop info is only saved when it is fetched).
 */
export function rememberPhase(code: string, phase: Phase, at = Date.now()): void {
  write(PHASE_PREFIX + code.toUpperCase(), { phase, at } satisfies KnownPhase);
}

export function loadPhase(code: string): KnownPhase | null {
  const value = read<KnownPhase>(PHASE_PREFIX + code.toUpperCase());
  return value &&
    (PHASES as readonly string[]).includes(value.phase) &&
    typeof value.at === 'number'
    ? value
    : null;
}

export function loadWorkshopInfo(code: string): WorkshopInfo | null {
  const value = read<WorkshopInfo>(INFO_PREFIX + code.toUpperCase());
  return value && typeof value.workshopId === 'string' && Array.isArray(value.groups)
    ? value
    : null;
}
