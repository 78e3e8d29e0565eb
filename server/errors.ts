// The one error type of the server: a code from shared/errors, a status and a human message.
import { ErrorCode } from '../shared/errors.js';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.invalidPayload]: 400,
  [ErrorCode.unauthorized]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.notFound]: 404,
  [ErrorCode.votingClosed]: 409,
  [ErrorCode.budgetExhausted]: 409,
  [ErrorCode.joiningLocked]: 409,
  [ErrorCode.payloadTooLarge]: 413,
  [ErrorCode.rateLimited]: 429,
  [ErrorCode.workshopFull]: 409,
  [ErrorCode.internal]: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
}
