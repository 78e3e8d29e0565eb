// The participant board's readings, without I/O: which board is on screen, whose group that is,
// which document it needs, the connection state shown, the group's members in order, and the
// groups (and edge colours) a merged item came from.
import { groupDocName, parseTargetId, PLENARY_DOC } from '../../../shared/ids.js';
import type { Phase } from '../../../shared/phases.js';
import type { ParticipantPresence } from '../../../shared/protocol.js';
import type { Peer } from '../../lib/groupdoc.svelte.js';

/** A board: `mine`, `merged`, or another group's (`group:<groupId>`). */
export type BoardView = string;

export type ShownStatus = 'connected' | 'syncing' | 'offline';

/**
 * The board on screen: the one chosen, until the phase changes; then the phase's own (the merged
 * board while prioritising, my group's otherwise). My own group chosen by its id is `mine`; a
 * group no longer in the workshop falls back to `mine`.
 */
export function resolveView(
  choice: { view: BoardView; phase: Phase } | null,
  phase: Phase,
  myGroupId: string,
  groupIds: readonly string[],
): BoardView {
  const chosen =
    choice && choice.phase === phase ? choice.view : phase === 'prioritise' ? 'merged' : 'mine';
  if (chosen === `group:${myGroupId}`) return 'mine';
  if (chosen.startsWith('group:') && !groupIds.includes(chosen.slice(6))) return 'mine';
  return chosen;
}

/** The group whose cards a board shows (none for the merged board). */
export function viewedGroupOf(view: BoardView, myGroupId: string): string | null {
  return view === 'mine' ? myGroupId : view.startsWith('group:') ? view.slice(6) : null;
}

/** The document a board needs besides my group's own (always open): another group's, or the plenary. */
export function otherDocOf(view: BoardView): string | null {
  return view === 'merged'
    ? PLENARY_DOC
    : view.startsWith('group:')
      ? groupDocName(view.slice(6))
      : null;
}

/** The connection shown: the worse of my group's document and the session. */
export function shownStatus(
  doc: ShownStatus,
  session: { connected: boolean; hasState: boolean },
): ShownStatus {
  if (doc === 'offline' || (!session.connected && session.hasState)) return 'offline';
  if (doc === 'syncing' || !session.connected) return 'syncing';
  return 'connected';
}

/** A group's members: me first, then those online, then the others. */
export function groupMembers(
  participants: readonly ParticipantPresence[],
  groupId: string,
  meId: string,
): ParticipantPresence[] {
  return participants
    .filter((p) => p.groupId === groupId)
    .sort((a, b) =>
      a.participantId === meId
        ? -1
        : b.participantId === meId
          ? 1
          : Number(b.online) - Number(a.online),
    );
}

/** Who is editing a card, and which field, from my group's document's presence. */
export function editorsOfCard(
  peers: readonly Peer[],
  recId: string,
  colorOf: (participantId: string) => string,
): { clientId: number; name: string; color: string; field: 'title' | 'body' }[] {
  return peers.flatMap((p) =>
    p.editing?.recId === recId
      ? [
          {
            clientId: p.clientId,
            name: p.user.name,
            color: colorOf(p.user.participantId),
            field: p.editing.field,
          },
        ]
      : [],
  );
}

/** The groups a merged item's sources come from, once each, in the order of the sources. */
export function sourceGroupIds(sources: readonly string[]): string[] {
  return [
    ...new Set(
      sources
        .map((s) => parseTargetId(s))
        .flatMap((r) => (r?.kind === 'recommendation' ? [r.groupId] : [])),
    ),
  ];
}

/** A card's edge for the groups it came from: one band per group, top to bottom. */
export function bandedEdge(colors: readonly { color: string }[]): string {
  if (colors.length === 0) return 'var(--border)';
  const step = 100 / colors.length;
  const stops = colors.map((s, i) => `${s.color} ${i * step}% ${(i + 1) * step}%`);
  return `linear-gradient(to bottom, ${stops.join(', ')})`;
}
