// Opening the projection from the console: a read-only screen key (kept for this tab, so a second
// click does not cut off a screen already showing), in a new tab with the key in the fragment.
import { adminApi } from './admin.js';
import { loadSessionKey, saveSessionKey } from './keys.js';

/** Opened; or the link to open by hand (pop-up blocked); or the key could not be had. */
export type ScreenOpening = { ok: true; link: string | null } | { ok: false };

export async function openScreen(
  workshop: { workshopId: string; code: string },
  facilitatorKey: string,
): Promise<ScreenOpening> {
  // Opened now, while the click still counts as the user's, then sent to the screen.
  const win = window.open('', '_blank');
  try {
    let screenKey = loadSessionKey('screen', workshop.code);
    if (!screenKey) {
      screenKey = (await adminApi.screenKey(workshop.workshopId, facilitatorKey)).screenKey;
      saveSessionKey('screen', workshop.code, screenKey);
    }
    const url = `${location.origin}/w/${workshop.code}/screen#key=${encodeURIComponent(screenKey)}`;
    if (!win) return { ok: true, link: url };
    win.opener = null;
    win.location.href = url;
    return { ok: true, link: null };
  } catch {
    win?.close();
    return { ok: false };
  }
}
