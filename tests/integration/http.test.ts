// The HTTP API of the contract, called with fetch against the real server: answers, status codes
// and the one error shape {"error":{code,message}}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET, isCode } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult, WorkshopInfo } from '../../shared/schemas.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { openSession, ok } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown, raw?: string): Promise<Answer> {
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Left as text: the assertions below say whether JSON was expected.
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
}

/** Asserts the contract's error shape and returns the error. */
function expectError(
  answer: Answer,
  status: number,
  code: string,
): { code: string; message: string; field?: string } {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.body).toEqual({
    error: expect.objectContaining({ code, message: expect.any(String) }),
  });
  const error = (answer.body as { error: { code: string; message: string; field?: string } }).error;
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.message).not.toMatch(/\n\s+at /); // never a stack trace
  expect(Object.keys(error).every((k) => ['code', 'message', 'field'].includes(k))).toBe(true);
  return error;
}

const validWorkshop = {
  title: 'Résilience du territoire',
  groups: ['Eau', 'Énergie', 'Alimentation'],
};

describe('the process', () => {
  it('GET /healthz answers 200 {"status":"ok"}', async () => {
    const answer = await call('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });
});

describe('POST /api/workshops', () => {
  it('creates a workshop and answers 201 with its id, code, facilitator key and groups in order', async () => {
    const answer = await call('POST', '/api/workshops', {
      ...validWorkshop,
      voteBudget: 7,
      language: 'en',
    });
    expect(answer.status).toBe(201);
    const w = answer.body as CreateWorkshopResult;
    expect(typeof w.workshopId).toBe('string');
    expect(w.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{6}$`));
    expect(isCode(w.code)).toBe(true);
    expect(w.facilitatorKey.length * 6).toBeGreaterThanOrEqual(128);
    expect(w.groups.map((g) => g.name)).toEqual(['Eau', 'Énergie', 'Alimentation']);
    expect(new Set(w.groups.map((g) => g.id)).size).toBe(3);

    const info = (await call('GET', `/api/workshops/${w.code}`)).body as WorkshopInfo;
    expect(info).toMatchObject({
      workshopId: w.workshopId,
      code: w.code,
      title: validWorkshop.title,
      voteBudget: 7,
    });
  });

  it('two workshops get different ids, codes and keys', async () => {
    const a = await createWorkshop(srv.url, validWorkshop);
    const b = await createWorkshop(srv.url, validWorkshop);
    expect(a.workshopId).not.toBe(b.workshopId);
    expect(a.code).not.toBe(b.code);
    expect(a.facilitatorKey).not.toBe(b.facilitatorKey);
  });

  it('the vote budget defaults to 5 and the phase starts in the lobby', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const info = (await call('GET', `/api/workshops/${w.code}`)).body as WorkshopInfo;
    expect(info.voteBudget).toBe(5);
    expect(info.phase).toBe('lobby');
  });

  it('a missing title is refused with 400 naming title', async () => {
    const error = expectError(
      await call('POST', '/api/workshops', { groups: ['A'] }),
      400,
      'invalid_payload',
    );
    expect(error.field).toBe('title');
    expect(error.message).toContain('title');
  });

  it('0 groups and 51 groups are refused with 400 naming groups; 50 are accepted', async () => {
    for (const n of [0, 51]) {
      const groups = Array.from({ length: n }, (_, i) => `G${i}`);
      const error = expectError(
        await call('POST', '/api/workshops', { title: 't', groups }),
        400,
        'invalid_payload',
      );
      expect(error.field).toBe('groups');
      expect(error.message).toContain('groups');
    }
    const fifty = await call('POST', '/api/workshops', {
      title: 't',
      groups: Array.from({ length: 50 }, (_, i) => `G${i}`),
    });
    expect(fifty.status).toBe(201);
    expect((fifty.body as CreateWorkshopResult).groups).toHaveLength(50);
  });

  it('a vote budget of 0 or 100 is refused with 400 naming voteBudget; 1 and 99 are accepted', async () => {
    for (const voteBudget of [0, 100]) {
      const error = expectError(
        await call('POST', '/api/workshops', { ...validWorkshop, voteBudget }),
        400,
        'invalid_payload',
      );
      expect(error.field).toBe('voteBudget');
      expect(error.message).toContain('voteBudget');
    }
    for (const voteBudget of [1, 99]) {
      expect((await call('POST', '/api/workshops', { ...validWorkshop, voteBudget })).status).toBe(
        201,
      );
    }
  });

  it('an unknown language is refused with 400 naming language', async () => {
    const error = expectError(
      await call('POST', '/api/workshops', { ...validWorkshop, language: 'de' }),
      400,
      'invalid_payload',
    );
    expect(error.field).toBe('language');
  });

  it('a body that is not JSON is refused with 400 invalid_payload', async () => {
    expectError(
      await call('POST', '/api/workshops', undefined, '{"title": "oops",'),
      400,
      'invalid_payload',
    );
  });

  it('a body over the size limit is refused with 413 payload_too_large', async () => {
    const huge = JSON.stringify({ title: 'x'.repeat(300 * 1024), groups: ['A'] });
    expectError(await call('POST', '/api/workshops', undefined, huge), 413, 'payload_too_large');
  });

  it('a JSON body in a charset the server does not read is a client error, not a server error', async () => {
    const res = await fetch(`${srv.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin1' },
      body: JSON.stringify(validWorkshop),
    });
    const answer = {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: await res.json(),
    };
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect((answer.body as { error: { code: string } }).error.code).not.toBe('internal_error');
  });

  it('a body that is JSON but not an object is refused with 400 invalid_payload', async () => {
    expectError(
      await call('POST', '/api/workshops', undefined, '"just a string"'),
      400,
      'invalid_payload',
    );
    expectError(await call('POST', '/api/workshops', undefined, '[1, 2]'), 400, 'invalid_payload');
  });

  it('a body sent without a JSON content type is read as no body: 400 naming title', async () => {
    const res = await fetch(`${srv.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(validWorkshop),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field?: string } }).error.field).toBe('title');
  });

  it('the server keeps serving after refusing bad bodies', async () => {
    await call('POST', '/api/workshops', undefined, '{');
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('POST', '/api/workshops', validWorkshop)).status).toBe(201);
  });
});

describe('GET /api/workshops/:code', () => {
  it('answers the workshop by its code, in upper or lower case', async () => {
    const w = await createWorkshop(srv.url, { ...validWorkshop, voteBudget: 3 });
    for (const code of [
      w.code,
      w.code.toLowerCase(),
      `${w.code.slice(0, 3).toLowerCase()}${w.code.slice(3)}`,
    ]) {
      const answer = await call('GET', `/api/workshops/${code}`);
      expect(answer.status).toBe(200);
      const info = answer.body as WorkshopInfo;
      expect(info).toMatchObject({
        workshopId: w.workshopId,
        code: w.code,
        title: validWorkshop.title,
        phase: 'lobby',
        voteBudget: 3,
      });
      expect(info.groups.map(({ id, name }) => ({ id, name }))).toEqual(
        w.groups.map(({ id, name }) => ({ id, name })),
      );
    }
  });

  it('never reveals the facilitator key', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const answer = await call('GET', `/api/workshops/${w.code}`);
    expect(JSON.stringify(answer.body)).not.toContain(w.facilitatorKey);
  });

  it('an unknown code answers 404 not_found in the error shape', async () => {
    expectError(await call('GET', '/api/workshops/XXXXXX'), 404, 'not_found');
    expectError(await call('GET', '/api/workshops/not-a-code-at-all'), 404, 'not_found');
  });
});

describe('POST /api/workshops/:code/participants', () => {
  it('a participant who picks a group joins it, and gets an id and an unguessable token', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const answer = await call('POST', `/api/workshops/${w.code}/participants`, {
      name: 'Camille',
      groupId: w.groups[2]!.id,
    });
    expect(answer.status).toBe(201);
    const joined = answer.body as JoinResult;
    expect(joined.groupId).toBe(w.groups[2]!.id);
    expect(typeof joined.participantId).toBe('string');
    expect(joined.token.length * 6).toBeGreaterThanOrEqual(128);
    expect(joined.token).not.toBe(w.facilitatorKey);
  });

  it('the code is case-insensitive here too', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const answer = await call('POST', `/api/workshops/${w.code.toLowerCase()}/participants`, {
      name: 'Louis',
    });
    expect(answer.status).toBe(201);
  });

  it('participants who do not pick a group are spread round-robin over the groups', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const groups: string[] = [];
    for (let i = 0; i < 6; i++)
      groups.push((await joinWorkshop(srv.url, w.code, { name: `P${i}` })).groupId);
    const ids = w.groups.map((g) => g.id);
    expect(groups).toEqual([...ids, ...ids]);
  });

  it('round-robin fills the least filled group first, counting those who picked theirs', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const [g0, g1, g2] = w.groups.map((g) => g.id);
    await joinWorkshop(srv.url, w.code, { name: 'a', groupId: g0! });
    await joinWorkshop(srv.url, w.code, { name: 'b', groupId: g0! });
    await joinWorkshop(srv.url, w.code, { name: 'c', groupId: g2! });
    expect((await joinWorkshop(srv.url, w.code, { name: 'd' })).groupId).toBe(g1);
    expect((await joinWorkshop(srv.url, w.code, { name: 'e' })).groupId).toBe(g1);
    expect((await joinWorkshop(srv.url, w.code, { name: 'f' })).groupId).toBe(g2);
  });

  it('when the facilitator locks group choice, a requested group is ignored and round-robin applies', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const facilitator = await openSession(srv.url, w.facilitatorKey);
    try {
      expect(
        await ok(facilitator.socket, 'workshop:settings', { groupChoiceLocked: true }),
      ).toEqual({
        groupChoiceLocked: true,
        joiningLocked: false,
        // Issue 16: the settings' answer also says the anonymity and moderation modes.
        anonymity: 'named',
        moderation: 'open',
      });
      const picks = [];
      for (let i = 0; i < 3; i++) {
        picks.push(
          (await joinWorkshop(srv.url, w.code, { name: `P${i}`, groupId: w.groups[2]!.id }))
            .groupId,
        );
      }
      expect(picks).toEqual(w.groups.map((g) => g.id));
      // Even a group id that does not exist is ignored rather than refused.
      const stray = await call('POST', `/api/workshops/${w.code}/participants`, {
        name: 'Q',
        groupId: 'nope',
      });
      expect(stray.status).toBe(201);

      await ok(facilitator.socket, 'workshop:settings', { groupChoiceLocked: false });
      expect(
        (await joinWorkshop(srv.url, w.code, { name: 'R', groupId: w.groups[2]!.id })).groupId,
      ).toBe(w.groups[2]!.id);
    } finally {
      facilitator.socket.disconnect();
    }
  });

  it('when the facilitator locks joining, a new participant is refused with 409 joining_locked', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const facilitator = await openSession(srv.url, w.facilitatorKey);
    try {
      await ok(facilitator.socket, 'workshop:settings', { joiningLocked: true });
      expectError(
        await call('POST', `/api/workshops/${w.code}/participants`, { name: 'Late' }),
        409,
        'joining_locked',
      );
      const info = (await call('GET', `/api/workshops/${w.code}`)).body as WorkshopInfo;
      expect(info.joiningLocked).toBe(true);
      await ok(facilitator.socket, 'workshop:settings', { joiningLocked: false });
      expect(
        (await call('POST', `/api/workshops/${w.code}/participants`, { name: 'Late' })).status,
      ).toBe(201);
    } finally {
      facilitator.socket.disconnect();
    }
  });

  it('a name of 61 characters is refused with 400 naming name; 60 are accepted', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const error = expectError(
      await call('POST', `/api/workshops/${w.code}/participants`, { name: 'x'.repeat(61) }),
      400,
      'invalid_payload',
    );
    expect(error.field).toBe('name');
    expect(error.message).toContain('name');
    const missing = expectError(
      await call('POST', `/api/workshops/${w.code}/participants`, {}),
      400,
      'invalid_payload',
    );
    expect(missing.field).toBe('name');
    expect(
      (await call('POST', `/api/workshops/${w.code}/participants`, { name: 'x'.repeat(60) }))
        .status,
    ).toBe(201);
  });

  it('a group id of another workshop or of no workshop is refused with 400 naming groupId', async () => {
    const w = await createWorkshop(srv.url, validWorkshop);
    const other = await createWorkshop(srv.url, validWorkshop);
    for (const groupId of ['nope', other.groups[0]!.id]) {
      const error = expectError(
        await call('POST', `/api/workshops/${w.code}/participants`, { name: 'Camille', groupId }),
        400,
        'invalid_payload',
      );
      expect(error.field).toBe('groupId');
    }
  });

  it('joining a workshop that does not exist answers 404 not_found', async () => {
    expectError(
      await call('POST', '/api/workshops/XXXXXX/participants', { name: 'Camille' }),
      404,
      'not_found',
    );
  });
});

describe('unknown routes', () => {
  it('an unknown /api route answers 404 in the error shape, whatever the method', async () => {
    expectError(await call('GET', '/api/nothing-here'), 404, 'not_found');
    expectError(await call('POST', '/api/nothing-here', {}), 404, 'not_found');
    // DELETE /api/workshops/:workshopId is a route since 1.1 (a facilitator deletes their workshop).
    expectError(await call('PUT', '/api/workshops/XXXXXX', {}), 404, 'not_found');
    expectError(await call('GET', '/api'), 404, 'not_found');
  });

  it('a request outside the API that nothing serves answers 404 in the error shape too', async () => {
    expectError(await call('PUT', '/healthz', {}), 404, 'not_found');
    expectError(await call('DELETE', '/some/page'), 404, 'not_found');
  });

  it('a path with broken percent-encoding is a 400, not a server error', async () => {
    expectError(await call('GET', '/api/workshops/%E0%A4%A'), 400, 'invalid_payload');
    expectError(
      await call('POST', '/api/workshops/%E0%A4%A/participants', { name: 'x' }),
      400,
      'invalid_payload',
    );
  });
});

describe('the join address', () => {
  it('GET /api/workshops/:code gives the address the room joins at', async () => {
    const w = await createWorkshop(srv.url);
    const res = await fetch(`${srv.url}/api/workshops/${w.code.toLowerCase()}`);
    const info = (await res.json()) as { joinUrl: string };
    expect(info.joinUrl).toBe(`${srv.url}/w/${w.code}`);
  });
});
