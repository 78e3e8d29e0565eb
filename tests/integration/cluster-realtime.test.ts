// Socket.IO across two server processes on one PostgreSQL and one Redis: the facilitator's phase
// change on one process reaches the sockets on the other (and the write rights there follow); one
// participant's two tabs on two processes race their dots and never exceed the budget; who is
// online is seen from every process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName, recommendationTargetId } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { command, connectDoc, synced, type YClient } from '../helpers/clients.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { ok, openSession, writeRecommendations, type Session } from '../helpers/realtime.js';
import { waitFor } from '../helpers/wait.js';

let cluster: TestCluster;
let one: string;
let two: string;
const sessions: Session[] = [];
const clients: YClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(2);
  [one, two] = cluster.servers.map((s) => s.url) as [string, string];
}, 180_000);
afterAll(async () => {
  for (const s of sessions) s.socket.disconnect();
  for (const c of clients) c.destroy();
  await cluster?.stop();
}, 60_000);

const open = async (url: string, token: string) => {
  const session = await openSession(url, token);
  sessions.push(session);
  return session;
};

describe('Socket.IO on two processes', () => {
  it('the facilitator’s phase change on one process reaches the sockets on the other, and write rights there follow', async () => {
    const w = await createWorkshop(one, { title: 'Cluster phases', groups: ['Eau'] });
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(two, w.code, { name: 'Ana', groupId });
    const facilitator = await open(one, w.facilitatorKey);
    const participant = await open(two, ana.token);
    const doc = connectDoc(two, w.workshopId, groupDocName(groupId), ana.token);
    clients.push(doc);
    await synced(doc, 20_000);

    await ok(facilitator.socket, 'phase:set', { phase: 'write' });
    await waitFor(() => participant.state.at(-1)?.phase === 'write', {
      timeout: 20_000,
      message: 'phase write on the other process',
    });
    const { endsAt } = await ok(facilitator.socket, 'timer:start', { seconds: 300 });
    await waitFor(() => participant.state.at(-1)?.timer.endsAt === endsAt, {
      timeout: 20_000,
      message: 'the timer on the other process',
    });

    // Closed: the process Ana writes to refuses her writes (it read the phase from the database).
    await ok(facilitator.socket, 'phase:set', { phase: 'closed' });
    await waitFor(() => participant.state.at(-1)?.phase === 'closed', {
      timeout: 20_000,
      message: 'phase closed on the other process',
    });
    addRecommendation(doc.doc, {
      id: 'closed',
      title: 'Écrit pendant la clôture',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    // Reopened: the card she wrote while closed was dropped, and now comes back through the
    // resync the other process sends her (its rights changed). A newcomer on the first process
    // sees it only then.
    await ok(facilitator.socket, 'phase:set', { phase: 'write' });
    const observer = connectDoc(one, w.workshopId, groupDocName(groupId), w.facilitatorKey);
    clients.push(observer);
    await synced(observer, 20_000);
    await waitFor(() => readRecommendations(observer.doc).some((r) => r.id === 'closed'), {
      timeout: 20_000,
      message: 'the card written while closed, sent again once writing reopened',
    });
  });

  it('one participant’s two tabs on two processes race their dots and never exceed the budget', async () => {
    const w = await createWorkshop(one, { title: 'Cluster votes', groups: ['Eau'], voteBudget: 5 });
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(one, w.code, { name: 'Ana', groupId });
    const louis = await joinWorkshop(two, w.code, { name: 'Louis', groupId });
    await writeRecommendations(one, w.workshopId, groupId, ana.token, louis.token, [
      { id: 'r1', title: 'Cartographier les sources' },
      { id: 'r2', title: 'Récupérer l’eau de pluie' },
    ]);
    const facilitator = await open(two, w.facilitatorKey);
    await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
    const tab1 = await open(one, ana.token);
    const tab2 = await open(two, ana.token);
    await waitFor(
      () => tab1.state.at(-1)?.phase === 'vote' && tab2.state.at(-1)?.phase === 'vote',
      { timeout: 20_000, message: 'both tabs in the vote' },
    );
    const targets = ['r1', 'r2'].map((r) => recommendationTargetId(groupId, r));
    // Ten dots at once, five from each tab on its own process, on a budget of five.
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        command(i % 2 === 0 ? tab1.socket : tab2.socket, 'vote:cast', {
          targetId: targets[i % 4 < 2 ? 0 : 1]!,
          delta: 1,
        }),
      ),
    );
    const accepted = answers.filter((a) => a.ok);
    const refused = answers.filter((a) => !a.ok);
    expect(accepted).toHaveLength(5);
    for (const a of refused)
      expect(a).toMatchObject({ ok: false, error: { code: 'budget_exhausted' } });
    // Each tab ends with the truth, whichever process it is on: no dot left, five placed.
    const placed = (s: Session) => {
      const last = s.mine.at(-1);
      return last ? Object.values(last.votes).reduce((n, v) => n + v, 0) : -1;
    };
    await waitFor(
      () =>
        tab1.mine.at(-1)?.remaining === 0 &&
        tab2.mine.at(-1)?.remaining === 0 &&
        placed(tab1) === 5 &&
        placed(tab2) === 5,
      { timeout: 20_000, message: 'both tabs told: five placed, none left' },
    );
    // The facilitator on the other process sees five dots in the tallies.
    await waitFor(
      () => {
        const t = facilitator.tally.at(-1)?.tallies ?? {};
        return (t[targets[0]!] ?? 0) + (t[targets[1]!] ?? 0) === 5;
      },
      { timeout: 20_000, message: 'five dots in the tallies' },
    );
  });

  it('who is online is seen from every process', async () => {
    const w = await createWorkshop(one, { title: 'Cluster presence', groups: ['Eau'] });
    const ana = await joinWorkshop(two, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    const facilitator = await open(one, w.facilitatorKey);
    const online = () =>
      facilitator.state.at(-1)?.participants.find((p) => p.participantId === ana.participantId)
        ?.online;
    await waitFor(() => online() === false, { timeout: 20_000, message: 'Ana listed offline' });
    const participant = await open(two, ana.token);
    await waitFor(() => online() === true, {
      timeout: 20_000,
      message: 'Ana online, seen from the other process',
    });
    participant.socket.disconnect();
    await waitFor(() => online() === false, {
      timeout: 20_000,
      message: 'Ana offline again, seen from the other process',
    });
  });
});
