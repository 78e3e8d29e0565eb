// Precompression of the built client: a .br and a .gz beside every file worth compressing, written
// once at build time (vite.config.ts) at maximum quality, served by http/static.ts without
// compressing anything per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The encodings written beside each file, best first (the order static.ts prefers them in). */
export const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Text formats the page loads; images and fonts are compressed already, maps only for devtools. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|xml)$/;

/** Under one TCP packet the saving cannot cut a round trip, and gzip's header may make it larger. */
export const MIN_BYTES = 1024;

export function isCompressible(file: string): boolean {
  return COMPRESSIBLE.test(file);
}

export interface PrecompressResult {
  files: number;
  rawBytes: number;
  brBytes: number;
  gzipBytes: number;
}

/** Writes file.br and file.gz beside `file`; null when it is too small to gain anything. */
function compressFile(file: string): { raw: number; br: number; gz: number } | null {
  if (statSync(file).size < MIN_BYTES) return null;
  const raw = readFileSync(file);
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
    },
  });
  const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
  // A compressed copy that is not smaller is not written: the file is served as it is.
  if (br.byteLength < raw.byteLength) writeFileSync(`${file}.br`, br);
  if (gz.byteLength < raw.byteLength) writeFileSync(`${file}.gz`, gz);
  return {
    raw: raw.byteLength,
    br: Math.min(br.byteLength, raw.byteLength),
    gz: Math.min(gz.byteLength, raw.byteLength),
  };
}

/** Writes file.br and file.gz for every compressible file of `dir` (recursively); returns the totals. */
export function precompressDir(dir: string): PrecompressResult {
  const result: PrecompressResult = { files: 0, rawBytes: 0, brBytes: 0, gzipBytes: 0 };
  const walk = (current: string) => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      if (!isCompressible(entry.name)) continue;
      let sizes: { raw: number; br: number; gz: number } | null;
      try {
        sizes = compressFile(full);
      } catch (error) {
        // Another build emptying the same directory meanwhile: its own run compresses its files.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      if (!sizes) continue;
      result.files += 1;
      result.rawBytes += sizes.raw;
      result.brBytes += sizes.br;
      result.gzipBytes += sizes.gz;
    }
  };
  walk(dir);
  return result;
}
