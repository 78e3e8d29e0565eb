// The Socket.IO handshake: who the socket belongs to (through the door, which counts refused
// tokens per address) and how it wants to hear of presence. A refusal carries the error code.
import { ErrorCode } from '../../shared/errors.js';
import { handshakeOptions } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Door } from '../http/door.js';
import type { AtelierServer } from './types.js';

export function authenticateHandshakes(io: AtelierServer, door: Door): void {
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const options = handshakeOptions.safeParse(socket.handshake.auth);
    socket.data.presence = options.success && options.data.presence === 'delta' ? 'delta' : 'state';
    // Through the door: refused tokens count against the address, and past the limit every
    // handshake from it is refused with rate_limited for a while.
    door
      .authenticate(typeof token === 'string' ? token : undefined, door.address(socket.request))
      .then((principal) => {
        socket.data.principal = principal;
        next();
      })
      .catch((error: unknown) => {
        const err = new Error(
          error instanceof AppError ? error.message : 'authentication failed',
        ) as Error & { data?: unknown };
        err.data = { code: error instanceof AppError ? error.code : ErrorCode.internal };
        next(err);
      });
  });
}
