// Security headers on every HTTP response (helmet): a Content-Security-Policy with no inline
// script, no framing, no MIME sniffing, no Referer. What the built client needs was read from
// dist/client (tests/e2e/csp.test.ts opens every page and fails on any violation).
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';

/** A Host header fit to be written into a CSP source (anything else is left out, not escaped). */
const HOST_SOURCE = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * 'self' covers ws: and wss: of the same host in current browsers (CSP level 3); older Safari
 * needed them spelled out, so they are, from the Host the page was loaded from.
 */
function sameHostSockets(req: IncomingMessage): string {
  const host = req.headers.host;
  return host && HOST_SOURCE.test(host) ? `ws://${host} wss://${host}` : "'self'";
}

export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Svelte's `style:` directives write element.style (CSSOM), which CSP does not govern;
        // every stylesheet is a file.
        styleSrc: ["'self'"],
        // The projection's QR code is inline SVG markup, not an image; the client has no data: image.
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", (req) => sameHostSockets(req)],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: the venue serves plain http on a LAN address, where
        // upgrading every request to https would break the page.
      },
    },
    // Plain http on a LAN address is the usual case: HSTS belongs to whoever terminates TLS.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
