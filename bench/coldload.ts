// Loading a 60-person workshop from disk, through the real store and room layer.
//
// `prepare` writes the fixture's workshop into a fresh SQLite file the way a live session
// would: 60 participants join, then every recommendation is typed keystroke by keystroke by its
// author's own replica (with typos corrected and co-authors' additions), each keystroke applied to
// the server's room so the update log and its compactions are the real ones. The facilitator
// then merges the fixture's clusters into plenary items; a clean shutdown compacts everything
// (one copy of the file is kept so), and a crash just before the next compactions leaves a full
// log tail on every group document (the other copy). `load` is run in a fresh process:
// open the database, load the workshop, and bring its 7 documents (6 groups + plenary) into
// memory, timed.
import { copyFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import {
  addItem,
  addRecommendation,
  readItems,
  readRecommendations,
  recommendationsMap,
} from '../shared/doc.js';
import { groupDocName, PLENARY_DOC } from '../shared/ids.js';
import { createRooms, type Logger } from '../server/collab/rooms.js';
import { createWorkshopService } from '../server/services/workshops.js';
import { DEFAULT_COMPACT_AFTER } from '../server/config.js';
import { createSqliteStore } from '../server/store/sqlite.js';
import { loadFixture } from './lib/fixture.js';
import { announce, serve } from './lib/ipc.js';

const silent: Logger = { info: () => undefined, error: () => undefined };
/** The server's default, as `npm start` runs it. */
const COMPACT_AFTER = DEFAULT_COMPACT_AFTER;

export interface PrepareResult {
  workshopId: string;
  updates: number;
  docs: string[];
}

export interface LoadTimes {
  openMs: number;
  workshopMs: number;
  docsMs: number;
  totalMs: number;
  recommendations: number;
  items: number;
  storedBytes: number;
  logRows: number;
  /**
   * The same 7 documents decoded the two ways, after the timed load (medians of 3, ms): what
   * the room layer does (one Y.mergeUpdates over state + log, then one applyUpdate), and the
   * alternative (each row applied in turn inside one transaction); and the state rows alone,
   * which is what a load costs after a compaction.
   */
  decode: { mergeUpdatesMs: number; sequentialMs: number; stateOnlyMs: number };
}

/** A deterministic pseudo-random sequence, so every run writes the same history. */
function prng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

async function prepare({
  file,
  cleanFile,
}: {
  file: string;
  cleanFile: string;
}): Promise<PrepareResult> {
  const fixture = loadFixture();
  let store = createSqliteStore(file);
  const workshops = createWorkshopService({ store });
  const rooms = createRooms({ store, compactAfter: COMPACT_AFTER, log: silent });
  const created = await workshops.create({
    title: fixture.title,
    groups: fixture.groups.map((g) => g.name),
    voteBudget: fixture.voteBudget,
    language: 'fr',
  });
  const groupId = new Map(fixture.groups.map((g, i) => [g.key, created.groups[i]!.id]));
  const members = new Map<string, string[]>();
  for (const p of fixture.participants) {
    const joined = await workshops.join(created.code, {
      name: p.name,
      groupId: groupId.get(p.group)!,
    });
    members.set(p.group, [...(members.get(p.group) ?? []), joined.participantId]);
  }

  const random = prng(42);
  let updates = 0;
  const recIds = new Map<object, string>();
  for (const [g, group] of fixture.groups.entries()) {
    const docName = groupDocName(groupId.get(group.key)!);
    const authors = members.get(group.key) ?? [];
    // Each member has a replica; every keystroke of theirs reaches the server's room as one update.
    const replicas = authors.map(() => new Y.Doc());
    await rooms.withDoc(created.workshopId, docName, async (serverDoc) => {
      for (const replica of replicas) {
        replica.on('update', (update: Uint8Array) => {
          Y.applyUpdate(serverDoc, update, 'client');
          updates++;
        });
      }
      const sync = () => {
        for (const replica of replicas)
          Y.applyUpdate(replica, Y.encodeStateAsUpdate(serverDoc, Y.encodeStateVector(replica)));
      };
      const recs = fixture.recommendations.filter((r) => r.group === group.key);
      for (const [k, rec] of recs.entries()) {
        const a = k % replicas.length;
        const author = replicas[a]!;
        const id = `g${g}r${k}`;
        recIds.set(rec, `${groupId.get(group.key)}/${id}`);
        addRecommendation(author, {
          id,
          title: '',
          body: '',
          authorId: authors[a]!,
          createdAt: Date.now() + k,
        });
        const entry = recommendationsMap(author).get(id)!;
        for (const field of ['title', 'body'] as const) {
          const text = entry.get(field) as Y.Text;
          for (const ch of rec[field]) {
            // One keystroke in 25 is a typo, fixed at once with a backspace.
            if (random() < 0.04) {
              text.insert(text.length, 'x');
              text.delete(text.length - 1, 1);
            }
            text.insert(text.length, ch);
          }
        }
        sync();
        // A co-author adds a few words in the middle of the body.
        const coauthor = replicas[(a + 1) % replicas.length]!;
        const body = recommendationsMap(coauthor).get(id)?.get('body');
        if (body instanceof Y.Text && body.length > 10) {
          const at = Math.floor(body.length / 2);
          for (const [i, ch] of [...' (à préciser)'].entries()) body.insert(at + i, ch);
        }
        sync();
      }
    });
  }

  // The facilitator merges each cluster into one plenary item and retitles it.
  const facilitator = new Y.Doc();
  await rooms.withDoc(created.workshopId, PLENARY_DOC, async (serverDoc) => {
    facilitator.on('update', (update: Uint8Array) => {
      Y.applyUpdate(serverDoc, update, 'client');
      updates++;
    });
    const clusters = new Map<string, typeof fixture.recommendations>();
    for (const r of fixture.recommendations)
      if (r.cluster) clusters.set(r.cluster, [...(clusters.get(r.cluster) ?? []), r]);
    let k = 0;
    for (const [, recs] of clusters) {
      const entry = addItem(facilitator, {
        id: `i${k++}`,
        title: '',
        body: recs[0]!.body,
        sources: recs.map((r) => recIds.get(r)!),
        createdAt: Date.now() + k,
      });
      const title = entry.get('title') as Y.Text;
      for (const ch of recs[0]!.title) title.insert(title.length, ch);
    }
  });
  await rooms.close();
  // A clean shutdown compacted every document: that copy is the usual case.
  await store.close();
  copyFileSync(file, cleanFile);
  store = createSqliteStore(file);

  // The worst case for a load: the server was killed just before a compaction, so each group
  // document has a full log tail (COMPACT_AFTER − 1 keystrokes) on top of its state row. These
  // are the rows the room layer would have appended for a member still typing.
  for (const [g, group] of fixture.groups.entries()) {
    const docName = groupDocName(groupId.get(group.key)!);
    const stored = await store.loadDoc(created.workshopId, docName);
    const replica = new Y.Doc();
    Y.applyUpdate(
      replica,
      Y.mergeUpdates(stored.state ? [stored.state, ...stored.updates] : stored.updates),
    );
    const tail: Uint8Array[] = [];
    replica.on('update', (update: Uint8Array) => tail.push(update));
    const entry = recommendationsMap(replica).get(`g${g}r0`);
    const body = entry?.get('body');
    if (!(body instanceof Y.Text))
      throw new Error('prepared document lacks its first recommendation');
    const words = ' Prévoir une restitution publique et un suivi annuel des indicateurs.';
    for (let i = tail.length; tail.length < COMPACT_AFTER - 1 - stored.updates.length; i++) {
      body.insert(body.length, words[i % words.length]!);
    }
    for (const update of tail) await store.appendUpdate(created.workshopId, docName, update);
    updates += tail.length;
  }
  await store.close();
  return {
    workshopId: created.workshopId,
    updates,
    docs: [...fixture.groups.map((g) => groupDocName(groupId.get(g.key)!)), PLENARY_DOC],
  };
}

async function load({
  file,
  workshopId,
  docs,
}: {
  file: string;
  workshopId: string;
  docs: string[];
}): Promise<LoadTimes> {
  const t0 = performance.now();
  const store = createSqliteStore(file);
  const t1 = performance.now();
  const workshops = createWorkshopService({ store });
  const rooms = createRooms({ store, compactAfter: COMPACT_AFTER, log: silent });
  await workshops.live(workshopId);
  const t2 = performance.now();
  const counts = await Promise.all(
    docs.map((name) =>
      rooms.withDoc(workshopId, name, (doc) => ({
        recommendations: readRecommendations(doc).length,
        items: readItems(doc).length,
      })),
    ),
  );
  const t3 = performance.now();
  // What the load read: state rows and the log tails since the last compaction.
  let storedBytes = 0;
  let logRows = 0;
  const stored = await Promise.all(docs.map((name) => store.loadDoc(workshopId, name)));
  for (const s of stored) {
    storedBytes += (s.state?.byteLength ?? 0) + s.updates.reduce((n, u) => n + u.byteLength, 0);
    logRows += s.updates.length;
  }
  const time = (fn: () => void) => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  const partsOf = (s: (typeof stored)[number]) => (s.state ? [s.state, ...s.updates] : s.updates);
  const samples = {
    mergeUpdatesMs: [] as number[],
    sequentialMs: [] as number[],
    stateOnlyMs: [] as number[],
  };
  for (let rep = 0; rep < 3; rep++) {
    samples.mergeUpdatesMs.push(
      time(() => {
        for (const s of stored) Y.applyUpdate(new Y.Doc(), Y.mergeUpdates(partsOf(s)));
      }),
    );
    samples.sequentialMs.push(
      time(() => {
        for (const s of stored) {
          const doc = new Y.Doc();
          doc.transact(() => {
            for (const part of partsOf(s)) Y.applyUpdate(doc, part);
          });
        }
      }),
    );
    samples.stateOnlyMs.push(
      time(() => {
        for (const s of stored) if (s.state) Y.applyUpdate(new Y.Doc(), s.state);
      }),
    );
  }
  const median3 = (v: number[]) => [...v].sort((a, b) => a - b)[1]!;
  await rooms.close();
  await store.close();
  return {
    openMs: t1 - t0,
    workshopMs: t2 - t1,
    docsMs: t3 - t2,
    totalMs: t3 - t0,
    recommendations: counts.reduce((n, c) => n + c.recommendations, 0),
    items: counts.reduce((n, c) => n + c.items, 0),
    storedBytes,
    logRows,
    decode: {
      mergeUpdatesMs: median3(samples.mergeUpdatesMs),
      sequentialMs: median3(samples.sequentialMs),
      stateOnlyMs: median3(samples.stateOnlyMs),
    },
  };
}

serve({ prepare, load, stop: () => setImmediate(() => process.exit(0)) });
announce({ pid: process.pid });
