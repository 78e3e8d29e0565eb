// The join address printed on the projection must be reachable from participants' laptops.
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { joinBaseUrl } from '../../server/http/join-url.js';

const request = (host: string) => ({ protocol: 'http', get: () => host }) as unknown as Request;
const config = (env: Record<string, string>) => loadConfig(env, { clientDir: '/c' });
const lan = () => '192.168.1.20';

describe('the join address', () => {
  it('is PUBLIC_URL when set, without a trailing slash', () => {
    expect(
      joinBaseUrl(
        config({ PUBLIC_URL: 'https://atelier.example.org/' }),
        request('localhost:3000'),
        lan,
      ),
    ).toBe('https://atelier.example.org');
  });

  it('replaces localhost by the LAN address when the server listens on every interface', () => {
    expect(joinBaseUrl(config({ HOST: '0.0.0.0' }), request('localhost:3000'), lan)).toBe(
      'http://192.168.1.20:3000',
    );
    expect(joinBaseUrl(config({ HOST: '0.0.0.0' }), request('127.0.0.1:8080'), lan)).toBe(
      'http://192.168.1.20:8080',
    );
  });

  it('keeps the address the request came to otherwise', () => {
    expect(joinBaseUrl(config({ HOST: '0.0.0.0' }), request('10.0.0.5:3000'), lan)).toBe(
      'http://10.0.0.5:3000',
    );
    expect(joinBaseUrl(config({}), request('localhost:3000'), lan)).toBe('http://localhost:3000');
    expect(joinBaseUrl(config({ HOST: '0.0.0.0' }), request('localhost:3000'), () => null)).toBe(
      'http://localhost:3000',
    );
  });

  it('a PUBLIC_URL that is not an http(s) address stops the start', () => {
    expect(() => config({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
    expect(() => config({ PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL/);
  });
});
