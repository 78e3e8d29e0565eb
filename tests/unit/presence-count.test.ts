// Who is online, counted per participant's open sockets, without a socket server.
import { describe, expect, it } from 'vitest';
import { createPresence } from '../../server/realtime/presence.js';

const ana = { id: 'p1', name: 'Ana', groupId: 'g1' };

describe('presence counting', () => {
  it('a participant comes online with their first socket and a second tab changes nothing', () => {
    const presence = createPresence();
    expect(presence.isOnline('p1')).toBe(false);
    expect(presence.opened('p1', 'w1')).toBe(true);
    expect(presence.opened('p1', 'w1')).toBe(false);
    expect(presence.entryOf(ana)).toEqual({
      participantId: 'p1',
      name: 'Ana',
      groupId: 'g1',
      online: true,
    });
  });

  it('a participant goes offline when their last socket closes, not before', () => {
    const presence = createPresence();
    presence.opened('p1', 'w1');
    presence.opened('p1', 'w1');
    expect(presence.closed('p1', 'w1')).toBe(false);
    expect(presence.isOnline('p1')).toBe(true);
    expect(presence.closed('p1', 'w1')).toBe(true);
    expect(presence.isOnline('p1')).toBe(false);
  });

  it('a removed participant is offline at once, and their sockets closing after says so again', () => {
    const presence = createPresence();
    presence.opened('p1', 'w1');
    presence.opened('p1', 'w1');
    presence.forget('p1');
    expect(presence.isOnline('p1')).toBe(false);
    expect(presence.closed('p1', 'w1')).toBe(true);
  });
});
