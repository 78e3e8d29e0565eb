// The one error middleware: every failure becomes {"error":{code,message}} with its status.
// A client never sees a stack trace.
import type { ErrorRequestHandler } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../collab/rooms.js';
import { AppError } from '../errors.js';
import { RateLimitedError } from './limits.js';

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (isBodyParserError(error) && error.type === 'entity.too.large') {
      appError = new AppError(ErrorCode.payloadTooLarge, 'The request body is too large.');
    } else if (isBodyParserError(error) && error.type === 'entity.parse.failed') {
      appError = new AppError(
        ErrorCode.invalidPayload,
        'The request body is not valid JSON.',
        '(body)',
      );
    } else if (isClientHttpError(error)) {
      // The request itself is unreadable (a path that is not valid percent-encoding, an
      // unsupported charset or encoding): the caller's mistake, not ours.
      appError = new AppError(
        ErrorCode.invalidPayload,
        error.expose ? error.message : 'The request could not be read.',
      );
    } else {
      log.error('unhandled request error', {
        error: error instanceof Error ? error.stack : String(error),
      });
      appError = new AppError(ErrorCode.internal, 'Something went wrong on our side.');
    }
    const body: { code: string; message: string; field?: string } = {
      code: appError.code,
      message: appError.message,
    };
    if (appError.field) body.field = appError.field;
    if (appError instanceof RateLimitedError)
      res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    res.status(appError.status).json({ error: body });
  };
}

function isBodyParserError(error: unknown): error is { type: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string'
  );
}

/** An http-errors style 4xx (Express's router, body-parser). */
function isClientHttpError(
  error: unknown,
): error is { status: number; expose?: boolean; message: string } {
  if (!(error instanceof Error)) return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
