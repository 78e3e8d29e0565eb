// Start-up configuration (server/config.ts): environment variables parsed once; a bad value stops
// the start with a message naming the variable.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

const defaults = { clientDir: '/srv/atelier/dist/client' };

describe('loadConfig', () => {
  it('an empty environment gives the documented defaults', () => {
    const config = loadConfig({}, defaults);
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      databaseFile: path.join(path.resolve('./data'), 'atelier.sqlite'),
      compactAfter: 100,
      clientDir: defaults.clientDir,
      logLevel: 'info',
      publicUrl: null,
      metricsToken: null,
      retentionDays: 90,
      databaseUrl: null,
      redisUrl: null,
      accessibilityContact: null,
      door: {
        maxParticipants: 500,
        createPerHour: 30,
        importPerHour: 10,
        demoPerHour: 10,
        lookupFailuresPer10Min: 30,
        lookupsPer10Min: 1000,
        joinsPer10Min: 300,
        authFailuresPer10Min: 100,
        crowdWarning: 150,
        ticketSecret: null,
      },
    });
  });

  it('every variable is read and typed', () => {
    const config = loadConfig(
      {
        PORT: '0',
        HOST: '0.0.0.0',
        DATA_DIR: '/tmp/atelier-data',
        COMPACT_AFTER: '5',
        CLIENT_DIR: '/opt/client',
        LOG_LEVEL: 'silent',
        PUBLIC_URL: 'http://192.168.1.20:3000',
        METRICS_TOKEN: 'm'.repeat(32),
        RETENTION_DAYS: '30',
        MAX_PARTICIPANTS: '80',
        CREATE_PER_HOUR: '1',
        IMPORT_PER_HOUR: '2',
        DEMO_PER_HOUR: '3',
        LOOKUP_FAILURES_PER_10MIN: '4',
        LOOKUPS_PER_10MIN: '5',
        JOINS_PER_10MIN: '6',
        AUTH_FAILURES_PER_10MIN: '7',
        CROWD_WARNING: '8',
        TICKET_SECRET: 's'.repeat(32),
        DATABASE_URL: 'postgres://atelier:secret@db.local:5432/atelier',
        REDIS_URL: 'redis://redis.local:6379',
        ACCESSIBILITY_CONTACT: 'accessibilite@ville.example',
      },
      defaults,
    );
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/tmp/atelier-data',
      databaseFile: '/tmp/atelier-data/atelier.sqlite',
      compactAfter: 5,
      clientDir: '/opt/client',
      logLevel: 'silent',
      publicUrl: 'http://192.168.1.20:3000',
      metricsToken: 'm'.repeat(32),
      retentionDays: 30,
      databaseUrl: 'postgres://atelier:secret@db.local:5432/atelier',
      redisUrl: 'redis://redis.local:6379',
      accessibilityContact: 'accessibilite@ville.example',
      door: {
        maxParticipants: 80,
        createPerHour: 1,
        importPerHour: 2,
        demoPerHour: 3,
        lookupFailuresPer10Min: 4,
        lookupsPer10Min: 5,
        joinsPer10Min: 6,
        authFailuresPer10Min: 7,
        crowdWarning: 8,
        ticketSecret: 's'.repeat(32),
      },
    });
  });

  it('REDIS_URL without DATABASE_URL is refused: several processes need one shared database', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, defaults)).toThrow(
      /REDIS_URL needs DATABASE_URL/,
    );
    expect(() =>
      loadConfig(
        { REDIS_URL: 'http://127.0.0.1:6379', DATABASE_URL: 'postgres://db.local/atelier' },
        defaults,
      ),
    ).toThrow(/REDIS_URL/);
  });

  it('a relative DATA_DIR is resolved against the working directory', () => {
    expect(loadConfig({ DATA_DIR: 'some/dir' }, defaults).dataDir).toBe(path.resolve('some/dir'));
  });

  it('an empty CLIENT_DIR disables static serving (an API-only deployment)', () => {
    expect(loadConfig({ CLIENT_DIR: '' }, defaults).clientDir).toBeNull();
  });

  it('a PORT that is not a port number stops the start with a message naming PORT', () => {
    for (const PORT of ['abc', '70000', '-1', '80.5']) {
      expect(() => loadConfig({ PORT }, defaults), PORT).toThrow(/PORT/);
    }
  });

  it('other bad values are refused too, each naming its variable', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'debug' }, defaults)).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ COMPACT_AFTER: '0' }, defaults)).toThrow(/COMPACT_AFTER/);
    expect(() => loadConfig({ COMPACT_AFTER: 'often' }, defaults)).toThrow(/COMPACT_AFTER/);
    expect(() => loadConfig({ PORT: '70000' }, defaults)).toThrow(/PORT/);
  });

  it('DATABASE_URL takes a postgres:// or postgresql:// address and nothing else', () => {
    const url = 'postgresql://127.0.0.1/atelier?sslmode=verify-full';
    expect(loadConfig({ DATABASE_URL: url }, defaults).databaseUrl).toBe(url);
    expect(loadConfig({ DATABASE_URL: '' }, defaults).databaseUrl).toBeNull();
    for (const DATABASE_URL of [
      'http://db/atelier',
      'atelier.sqlite',
      `postgres://h/${'x'.repeat(2048)}`,
    ])
      expect(() => loadConfig({ DATABASE_URL }, defaults), DATABASE_URL).toThrow(/DATABASE_URL/);
  });

  it('unrelated environment variables are ignored', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', NODE_ENV: 'production' }, defaults)).not.toThrow();
  });
});

describe('empty variables', () => {
  it('an empty PORT, HOST or DATA_DIR means the default, never port 0 or an empty path', () => {
    const config = loadConfig(
      { PORT: '', HOST: '', DATA_DIR: '', LOG_LEVEL: '' },
      { clientDir: '/c' },
    );
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.logLevel).toBe('info');
  });
});
