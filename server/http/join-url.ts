// The address people in the room use to join: the projection prints it and draws it as a QR
// code, so it must be reachable from their laptops, not "localhost" of the facilitator's machine.
import os from 'node:os';
import type { Request } from 'express';
import type { Config } from '../config.js';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/** The first non-internal IPv4 address of this machine, if any. */
export function lanAddress(interfaces = os.networkInterfaces()): string | null {
  for (const list of Object.values(interfaces)) {
    for (const entry of list ?? [])
      if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return null;
}

/**
 * PUBLIC_URL when set; else the address the request came to, unless that is a loopback one on a
 * server listening on every interface, in which case the machine's LAN address replaces it.
 */
export function joinBaseUrl(
  config: Config,
  req: Request,
  lan: () => string | null = lanAddress,
): string {
  if (config.publicUrl) return config.publicUrl;
  const host = req.get('host') ?? `${config.host}:${config.port}`;
  const everyInterface = config.host === '0.0.0.0' || config.host === '::';
  if (everyInterface && LOOPBACK.test(host)) {
    const address = lan();
    const port = /:(\d+)$/.exec(host)?.[1];
    if (address) return `${req.protocol}://${address}${port ? `:${port}` : ''}`;
  }
  return `${req.protocol}://${host}`;
}
