// The command table answers what the protocol says: checked by the type checker (each expected
// error below fails `tsc` the day a wrong answer compiles) and at run time.
import { describe, expect, it } from 'vitest';
import type { CommandData } from '../../shared/protocol.js';
import { voteCastPayload } from '../../shared/schemas.js';
import type { CommandTable } from '../../server/realtime/commands.js';

type VoteCast = CommandTable['vote:cast'];

describe('the command table against shared/protocol.ts', () => {
  it('refuses, at compile time, a handler answering data the client does not expect', () => {
    const wrong = {
      schema: voteCastPayload,
      facilitatorOnly: false,
      // @ts-expect-error — vote:cast answers { remaining: number }, not { nope: 42 }
      run: async () => ({ nope: 42 }),
    } satisfies VoteCast;
    const right = {
      schema: voteCastPayload,
      facilitatorOnly: false,
      run: async (): Promise<CommandData<'vote:cast'>> => ({ remaining: 4 }),
    } satisfies VoteCast;
    expect(typeof wrong.run).toBe('function');
    expect(typeof right.run).toBe('function');
  });

  it('refuses, at compile time, a table that leaves an event of the protocol without a handler', () => {
    // @ts-expect-error — every command of the protocol needs its entry
    const partial: CommandTable = {};
    expect(partial).toEqual({});
  });
});
