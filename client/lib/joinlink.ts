// The addresses the facilitator hands out: the join link (from the server, which knows PUBLIC_URL
// and the LAN address), the projection link with its read-only key, and whether an address only
// leads back to this machine (then no laptop in the room can open it).
import type { WorkshopInfo } from '../../shared/schemas.js';

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1|0\.0\.0\.0)$/i;

/** True for http://localhost…, http://127.x.x.x…, http://[::1]…: reachable from this computer only. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK_HOST.test(host) || host.endsWith('.localhost');
  } catch {
    return false;
  }
}

/** The join address as the server chose it, else this page's own origin. */
export function joinUrlOf(
  info: Pick<WorkshopInfo, 'code'> & { joinUrl?: string | undefined },
): string {
  return info.joinUrl ?? `${location.origin}/w/${info.code}`;
}

/** The projection's address, the read-only key in the fragment (never sent to servers). */
export function screenUrlOf(origin: string, code: string, screenKey: string): string {
  return `${origin}/w/${code}/screen#key=${encodeURIComponent(screenKey)}`;
}

/** Copies text; false when the browser refuses (no permission, insecure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
