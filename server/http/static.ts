// The built client over HTTP: each file in the encoding the browser prefers among those written at
// build time (http/precompress.ts), hashed assets cached for a year, everything else revalidated at
// every visit, and index.html for every page of the app.
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isCode, normalizeCode } from '../../shared/ids.js';
import { ENCODINGS, isCompressible } from './precompress.js';

/** Vite's output names: `name-<8 characters of hash>.ext` under /assets/ (their maps too). */
const HASHED = /^assets\/[^/]+-[\w-]{8}\.[\w.]+$/;

const YEAR_S = 365 * 24 * 3600;

/** The types send() gives these files when it serves them as they are (mime-types). */
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

/** How much `coding` is wanted by an Accept-Encoding header (RFC 9110 §12.5.3): its q, 0 if refused. */
export function acceptQuality(header: string | undefined, coding: string): number {
  if (!header) return 0;
  let star: number | undefined;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    const quality = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
    if (name === coding) return quality;
    if (name === '*') star = quality;
  }
  return star ?? 0;
}

/**
 * The precompressed copy to send: the best-liked encoding the browser accepts (ties go to the
 * smaller, brotli) whose file exists. Browsers list "gzip, deflate, br" without weights, so the
 * header's order says nothing about preference.
 */
async function pickEncoding(file: string, header: string | undefined) {
  let best: { name: string; suffix: string; quality: number } | null = null;
  for (const encoding of ENCODINGS) {
    const quality = acceptQuality(header, encoding.name);
    if (quality > 0 && (!best || quality > best.quality)) {
      const found = await stat(file + encoding.suffix).then(
        (s: Stats) => s.isFile(),
        () => false,
      );
      if (found) best = { ...encoding, quality };
    }
  }
  return best;
}

/** /w/CODE, the participant's page (not the console, projection or report under it). */
const JOIN_PAGE = /^\/w\/([^/]+)\/?$/;

/**
 * The workshop code a join page will ask the API about, as the client spells it (upper case),
 * or null: only a well-formed code is ever written into the page.
 */
export function joinPageCode(urlPath: string): string | null {
  const segment = JOIN_PAGE.exec(urlPath)?.[1];
  if (!segment) return null;
  let code: string;
  try {
    code = decodeURIComponent(segment).toUpperCase();
  } catch {
    return null;
  }
  return isCode(code) && normalizeCode(code) === code ? code : null;
}

function cacheControl(relative: string): string {
  // A hashed name changes whenever its content does, so a copy can never be stale; the page, the
  // service worker and unhashed files must be asked for again, or an old one keeps serving.
  return HASHED.test(relative) ? `public, max-age=${YEAR_S}, immutable` : 'no-cache';
}

export function serveClient(clientDir: string): express.Router {
  const root = path.resolve(clientDir);
  const router = express.Router();

  const files = express.static(root, {
    index: false,
    // Cache-Control is written below, from the name asked for rather than the file sent.
    cacheControl: false,
    setHeaders: (res: ServerResponse, file: string) => {
      const encoding = ENCODINGS.find((e) => file.endsWith(e.suffix));
      const original = encoding ? file.slice(0, -encoding.suffix.length) : file;
      const relative = path.relative(root, original).split(path.sep).join('/');
      res.setHeader('Cache-Control', cacheControl(relative));
      if (isCompressible(original)) res.setHeader('Vary', 'Accept-Encoding');
      if (encoding) {
        // send() types a file by its extension unless Content-Type is set: name the original's.
        res.setHeader('Content-Type', TYPES[path.extname(original)] ?? 'application/octet-stream');
        res.setHeader('Content-Encoding', encoding.name);
      }
    },
  });

  /** Sends `urlPath` (decoded, under root) precompressed when possible, else as it is. */
  async function send(req: Request, res: Response, next: NextFunction, urlPath: string) {
    const file = path.join(root, urlPath);
    if (!file.startsWith(root + path.sep) || !isCompressible(file)) return files(req, res, next);
    const encoding = await pickEncoding(file, req.headers['accept-encoding']);
    if (!encoding) return files(req, res, next);
    const original = req.url;
    req.url = urlPath + encoding.suffix;
    files(req, res, (error?: unknown) => {
      req.url = original;
      next(error);
    });
  }

  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    if (urlPath.includes('\0')) return next();
    send(req, res, next, urlPath).catch(next);
  });

  // Every page of the app is index.html; a missing asset stays a 404 (an HTML page in its place
  // would only fail later as a script with the wrong type).
  router.get('/{*splat}', (req, res, next) => {
    if (req.path.startsWith('/assets/')) return next();
    const code = joinPageCode(req.path);
    if (code) {
      // The page asks for the workshop only once its script has run; a preload lets the browser
      // ask at once, alongside the script: one round trip less before the join form (300 ms on
      // the venue's wifi). Same URL, mode and credentials as the page's own fetch, which takes it.
      readFile(path.join(root, 'index.html'), 'utf8').then((html) => {
        const link = `<link rel="preload" href="/api/workshops/${code}" as="fetch" crossorigin>`;
        res.setHeader('Cache-Control', 'no-cache');
        res.type('html').send(html.replace('</head>', `  ${link}\n  </head>`));
      }, next);
      return;
    }
    const original = req.url;
    req.url = '/index.html';
    send(
      req,
      res,
      (error?: unknown) => {
        req.url = original;
        next(error);
      },
      '/index.html',
    ).catch(next);
  });

  return router;
}
