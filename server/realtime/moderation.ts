// What a facilitator's or a projection's socket hears of moderation (issue 16) as it connects:
// the profanity flags (facilitators only) and, in inbox mode, the cards approved for the screen.
// Changes later reach them through broadcasts.ts (moderationFlags, screenCards).
import type { ModerationService } from '../services/moderation.js';
import type { Principal, WorkshopService } from '../services/workshops.js';
import type { AtelierSocket } from './types.js';

export async function welcomeModeration(
  socket: AtelierSocket,
  principal: Principal,
  deps: { moderation: ModerationService; workshops: WorkshopService },
): Promise<void> {
  if (principal.role === 'participant') return;
  const { workshopId } = principal;
  const live = await deps.workshops.live(workshopId);
  if ((live.record.moderation ?? 'open') === 'inbox') {
    socket.emit('screen:cards', { cards: await deps.moderation.screenCards(workshopId) });
  }
  if (principal.role === 'facilitator') {
    socket.emit('moderation:flags', { flags: await deps.moderation.flags(workshopId) });
  }
}
