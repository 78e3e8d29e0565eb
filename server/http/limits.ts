// Rate limits and quotas of the door, counted per address (http/address.ts) or per connection.
// Every limiter is built here, by makeLimiter: swapping the memory store for a shared one
// (RateLimiterRedis, when several processes serve together) changes this module only.
// Sized for a venue: a whole room shares one NAT address, so honest bursts are large (a hundred
// joins in a minute) while what no room does (thousands of wrong codes or keys) is cut short.
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode } from '../../shared/errors.js';
import type { DoorConfig } from '../config.js';
import { AppError } from '../errors.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/**
 * Socket.IO commands per connection, as a token bucket: a burst of 40 (a quick voter spending a
 * budget of dots, a facilitator moving people), then 4 a second. A script flooding votes is
 * answered rate_limited long before it costs the store anything.
 */
const COMMAND_BURST = 40;
const COMMANDS_PER_SECOND = 4;

/** A 429: the one error shape, plus when to come back (the Retry-After header, in seconds). */
export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests from this address; try again later.',
  ) {
    super(ErrorCode.rateLimited, message);
  }
}

function makeLimiter(options: {
  keyPrefix: string;
  points: number;
  duration: number;
}): RateLimiterAbstract {
  return new RateLimiterMemory(options);
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Takes one point, or throws RateLimitedError when the key has none left. */
async function take(limiter: RateLimiterAbstract, key: string, message?: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes)
      throw new RateLimitedError(seconds(error.msBeforeNext), message);
    throw error;
  }
}

/** Throws while the key has used every point of its window (failures are counted after the fact). */
async function refuseIfSpent(
  limiter: RateLimiterAbstract,
  key: string,
  message?: string,
): Promise<void> {
  const spent = await limiter.get(key);
  if (spent && spent.consumedPoints >= limiter.points)
    throw new RateLimitedError(seconds(spent.msBeforeNext), message);
}

/** Counts a failure; never throws (the failing request already has its answer). */
async function count(limiter: RateLimiterAbstract, key: string): Promise<void> {
  await limiter.penalty(key, 1);
}

export interface Limits {
  /** Before a look-up or a join by code: refused after too many unknown codes, or too many look-ups. */
  lookup(address: string): Promise<void>;
  /** A code that matched nothing. */
  lookupFailed(address: string): Promise<void>;
  /** One join into this workshop from this address. */
  join(workshopId: string, address: string): Promise<void>;
  /** Before checking a key or token: refused after too many refused ones from this address. */
  authAllowed(address: string): Promise<void>;
  /** A refused key or token: counted once per distinct secret, so a stale tab retrying counts once. */
  authFailed(address: string, secret: string): Promise<void>;
  create(address: string): Promise<void>;
  importBoard(address: string): Promise<void>;
  demo(address: string): Promise<void>;
  /**
   * One Socket.IO command on this connection (the socket object itself: its bucket goes when it
   * does): 0 if allowed, else the seconds to wait. Synchronous, so commands keep their order;
   * per connection, hence per process whatever the store.
   */
  command(connection: object): number;
}

export function createLimits(config: DoorConfig): Limits {
  const lookups = makeLimiter({
    keyPrefix: 'lookup',
    points: config.lookupsPer10Min,
    duration: 10 * MINUTE,
  });
  const lookupFailures = makeLimiter({
    keyPrefix: 'lookup-fail',
    points: config.lookupFailuresPer10Min,
    duration: 10 * MINUTE,
  });
  const joins = makeLimiter({
    keyPrefix: 'join',
    points: config.joinsPer10Min,
    duration: 10 * MINUTE,
  });
  const authFailures = makeLimiter({
    keyPrefix: 'auth-fail',
    points: config.authFailuresPer10Min,
    duration: 10 * MINUTE,
  });
  // Which secrets already failed from an address in the window: one point each, so the second
  // failure of the same secret is recognised by its refusal.
  const failedSecrets = makeLimiter({ keyPrefix: 'auth-seen', points: 1, duration: 10 * MINUTE });
  const creates = makeLimiter({
    keyPrefix: 'create',
    points: config.createPerHour,
    duration: HOUR,
  });
  const imports = makeLimiter({
    keyPrefix: 'import',
    points: config.importPerHour,
    duration: HOUR,
  });
  const demos = makeLimiter({ keyPrefix: 'demo', points: config.demoPerHour, duration: HOUR });
  const buckets = new WeakMap<object, { tokens: number; at: number }>();

  return {
    async lookup(address) {
      await refuseIfSpent(
        lookupFailures,
        address,
        'Too many unknown workshop codes from this address; try again later.',
      );
      await take(lookups, address);
    },
    lookupFailed: (address) => count(lookupFailures, address),
    join: (workshopId, address) =>
      take(
        joins,
        `${workshopId}|${address}`,
        'Too many joins into this workshop from this address; try again later.',
      ),
    authAllowed: (address) =>
      refuseIfSpent(
        authFailures,
        address,
        'Too many refused keys from this address; try again later.',
      ),
    async authFailed(address, secret) {
      const fingerprint = createHash('sha256')
        .update(secret, 'utf8')
        .digest('base64url')
        .slice(0, 22);
      try {
        await failedSecrets.consume(`${address}|${fingerprint}`);
      } catch (error) {
        if (error instanceof RateLimiterRes) return; // this secret was counted already
        throw error;
      }
      await count(authFailures, address);
    },
    create: (address) =>
      take(creates, address, 'Too many workshops created from this address; try again later.'),
    importBoard: (address) =>
      take(imports, address, 'Too many imports from this address; try again later.'),
    demo: (address) =>
      take(demos, address, 'Too many demonstration workshops from this address; try again later.'),
    command(connection) {
      const now = Date.now();
      const bucket = buckets.get(connection) ?? { tokens: COMMAND_BURST, at: now };
      bucket.tokens = Math.min(
        COMMAND_BURST,
        bucket.tokens + ((now - bucket.at) / 1000) * COMMANDS_PER_SECOND,
      );
      bucket.at = now;
      buckets.set(connection, bucket);
      if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) / COMMANDS_PER_SECOND);
      bucket.tokens -= 1;
      return 0;
    },
  };
}
