// How a socket runs a command of the table: rate limit, role, payload schema, then the command,
// its outcome answered through the ack. Every refusal is an `{ok: false}` answer with a code.
import { ErrorCode } from '../../shared/errors.js';
import type { Ack, CommandName } from '../../shared/protocol.js';
import { AppError } from '../errors.js';
import type { Door } from '../http/door.js';
import type { CommandTable } from './commands.js';
import type { AtelierSocket } from './types.js';

/**
 * Listens to every command of the table on this socket. A missing ack is a protocol violation
 * that closes this one connection; errors other than AppError are logged and answered `internal`.
 */
export function listenToCommands(
  socket: AtelierSocket,
  table: CommandTable,
  deps: { door: Door; logError: (error: unknown) => void },
): void {
  for (const name of Object.keys(table) as CommandName[]) {
    const entry = table[name] as {
      schema: CommandTable[CommandName]['schema'];
      facilitatorOnly: boolean;
      run: (payload: unknown, principal: AtelierSocket['data']['principal']) => Promise<unknown>;
    };
    socket.on(name, (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') {
        socket.disconnect(true);
        return;
      }
      const answer = ack as (a: Ack<unknown>) => void;
      const wait = deps.door.limits.command(socket);
      if (wait > 0) {
        answer({
          ok: false,
          error: {
            code: ErrorCode.rateLimited,
            message: `Too many commands; try again in ${wait} s.`,
          },
        });
        return;
      }
      const principal = socket.data.principal;
      if (entry.facilitatorOnly && principal.role !== 'facilitator') {
        answer({
          ok: false,
          error: { code: ErrorCode.forbidden, message: 'Only the facilitator can do this.' },
        });
        return;
      }
      const parsed = entry.schema.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const message = `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`;
        answer({ ok: false, error: { code: ErrorCode.invalidPayload, message } });
        return;
      }
      entry.run(parsed.data, principal).then(
        (data) => answer({ ok: true, data }),
        (error: unknown) => {
          if (error instanceof AppError) {
            answer({ ok: false, error: { code: error.code, message: error.message } });
          } else {
            deps.logError(error);
            answer({
              ok: false,
              error: { code: ErrorCode.internal, message: 'Something went wrong.' },
            });
          }
        },
      );
    });
  }
}
