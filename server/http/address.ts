// Who is at the door: the caller's address (through a proxy on this machine only) as the key of
// rate limits, and whether a browser's Origin may open our WebSockets. Shared by HTTP, Socket.IO
// and the /yjs upgrade, which all see a plain IncomingMessage.
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/** Loopback, in the forms Node reports it: a proxy on this machine is trusted, no one else. */
function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * The caller's address, as Express computes `req.ip` with `trust proxy: 'loopback'` (server/app.ts):
 * X-Forwarded-For is read only when the connection comes from loopback, from the right, skipping
 * loopback hops. Anyone else's header is ignored, so a laptop in the room cannot pick its address.
 */
export function clientAddress(req: IncomingMessage): string {
  const remote = req.socket.remoteAddress ?? 'unknown';
  if (!isLoopback(remote)) return remote;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isLoopback(hops[i]!)) return hops[i]!;
  }
  return remote;
}

/**
 * The key a limit counts by: an IPv4 address as is (a mapped one unwrapped), an IPv6 address by
 * its /64, since one machine usually holds a whole /64 and could otherwise walk through it.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address.slice(0, 64);
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The rate-limit key of a request. */
export function requestKey(req: IncomingMessage): string {
  return addressKey(clientAddress(req));
}

/**
 * May this upgrade (or Socket.IO request) go on? A browser always sends Origin: it must be this
 * server as the browser reached it (the Host header, over http or https) or PUBLIC_URL's origin.
 * No Origin at all is a non-browser client (y-websocket in Node, scripts, bots), which a page
 * elsewhere cannot impersonate: allowed, since it still needs a token.
 */
export function originAllowed(req: IncomingMessage, publicUrl: string | null): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file:// page) and anything unreadable.
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = req.headers.host;
  if (host) {
    try {
      if (new URL(`${url.protocol}//${host}`).origin === url.origin) return true;
    } catch {
      // An unreadable Host matches nothing.
    }
  }
  return publicUrl !== null && new URL(publicUrl).origin === url.origin;
}
