// The door, part four: who a request comes from (the key every limit counts by) and which
// Origins may open our sockets, on the request objects the server sees. Loopback is the only
// proxy trusted; a laptop in the room cannot choose its address with X-Forwarded-For.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, originAllowed, requestKey } from '../../server/http/address.js';

function request(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('the caller’s address', () => {
  it('X-Forwarded-For is read only from loopback, from the right, skipping loopback hops', () => {
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': '198.51.100.7' }))).toBe(
      '198.51.100.7',
    );
    expect(
      clientAddress(request('::1', { 'x-forwarded-for': '203.0.113.9, 198.51.100.7, 127.0.0.1' })),
    ).toBe('198.51.100.7');
    expect(clientAddress(request('::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.8' }))).toBe(
      '198.51.100.8',
    );
    expect(clientAddress(request('127.0.0.1'))).toBe('127.0.0.1');
  });

  it('a laptop on the network cannot pick its address with the header', () => {
    expect(clientAddress(request('192.168.1.34', { 'x-forwarded-for': '198.51.100.7' }))).toBe(
      '192.168.1.34',
    );
    expect(requestKey(request('::ffff:192.168.1.34', { 'x-forwarded-for': '1.2.3.4' }))).toBe(
      '192.168.1.34',
    );
  });

  it('IPv6 addresses count by their /64, so one machine cannot walk through its prefix', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0db8:0001:0003::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7');
  });
});

describe('allowed Origins', () => {
  const at = (origin: string | undefined, host = 'atelier.local:3000') =>
    request('192.168.1.34', origin === undefined ? { host } : { host, origin });

  it('none, the server’s own (http or https), or PUBLIC_URL’s', () => {
    expect(originAllowed(at(undefined), null)).toBe(true);
    expect(originAllowed(at('http://atelier.local:3000'), null)).toBe(true);
    expect(originAllowed(at('https://atelier.local:3000'), null)).toBe(true);
    expect(originAllowed(at('http://192.168.1.20:3000'), 'http://192.168.1.20:3000')).toBe(true);
    // Default ports: the browser omits them from Origin and Host alike.
    expect(originAllowed(at('https://atelier.example', 'atelier.example'), null)).toBe(true);
  });

  it('anything else', () => {
    expect(originAllowed(at('http://evil.example'), null)).toBe(false);
    expect(originAllowed(at('http://atelier.local:3001'), null)).toBe(false);
    expect(originAllowed(at('http://atelier.local.evil.example:3000'), null)).toBe(false);
    expect(originAllowed(at('null'), null)).toBe(false);
    expect(originAllowed(at('file://'), null)).toBe(false);
    expect(originAllowed(at('chrome-extension://abc'), null)).toBe(false);
    expect(originAllowed(at('http://192.168.1.21:3000'), 'http://192.168.1.20:3000')).toBe(false);
    expect(
      originAllowed(request('192.168.1.34', { origin: 'http://atelier.local:3000' }), null),
    ).toBe(false);
  });
});
