// A small structured logger: one JSON line per event on stderr, filtered by LOG_LEVEL.
import type { Logger } from './collab/rooms.js';

export function createLogger(level: 'silent' | 'error' | 'info'): Logger {
  const write = (lvl: string, message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...fields })}\n`,
    );
  return {
    info: (message, fields) => {
      if (level === 'info') write('info', message, fields);
    },
    error: (message, fields) => {
      if (level !== 'silent') write('error', message, fields);
    },
  };
}
