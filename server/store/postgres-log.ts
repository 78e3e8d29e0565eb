// Reading a document's log back, for several processes sharing one database
// (server/scale/replication.ts): the rows after a seq, and the log heads of many documents at
// once. Correct because appends to one document commit in seq order (postgres.ts takes the
// document's advisory lock before its rows get their seq): a reader that sees seq N has seen
// every row of that document below N.
import type pg from 'pg';

/** What the replication reads: rows after a seq, and the compacted state if it changed. */
export interface DocLogRead {
  /** The compacted state, when it changed since `stateVersion` (a compaction removed rows). */
  state: Uint8Array | null;
  /** The version of the state row now ('' when there is none): the next read passes it back. */
  stateVersion: string;
  rows: { seq: number; update: Uint8Array }[];
}

/**
 * One statement, hence one snapshot: the state (only if its row version moved: a compaction
 * happened, and the rows it folded are gone) and the rows after `afterSeq`. A row's version is
 * its xmin, the transaction that last wrote it.
 */
const READ_SINCE_SQL = `
  SELECT NULL::bigint AS seq, xmin::text AS version,
         CASE WHEN xmin::text IS DISTINCT FROM $4 THEN state END AS data
    FROM doc_states WHERE workshop_id = $1 AND doc_name = $2
  UNION ALL
  SELECT seq, NULL, data FROM doc_updates WHERE workshop_id = $1 AND doc_name = $2 AND seq > $3
  ORDER BY seq NULLS FIRST`;

/** The newest seq of each document's log (0 when empty), in the order of the arrays. */
const HEADS_SQL = `
  SELECT coalesce((SELECT max(seq) FROM doc_updates
                    WHERE workshop_id = d.w AND doc_name = d.n), 0) AS head,
         coalesce((SELECT xmin::text FROM doc_states
                    WHERE workshop_id = d.w AND doc_name = d.n), '') AS version
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS d(w, n, i)
   ORDER BY d.i`;

export async function readDocSince(
  query: (text: string, values: unknown[]) => Promise<pg.QueryResult>,
  workshopId: string,
  docName: string,
  afterSeq: number,
  stateVersion: string,
): Promise<DocLogRead> {
  const { rows } = await query(READ_SINCE_SQL, [workshopId, docName, afterSeq, stateVersion]);
  let state: Uint8Array | null = null;
  let version = '';
  if (rows[0] && rows[0].seq === null) {
    const head = rows.shift()!;
    version = head.version as string;
    if (head.data) state = new Uint8Array(head.data as Buffer);
  }
  return {
    state,
    stateVersion: version,
    rows: rows.map((row) => ({
      seq: Number(row.seq),
      update: new Uint8Array(row.data as Buffer),
    })),
  };
}

export async function docHeads(
  query: (text: string, values: unknown[]) => Promise<pg.QueryResult>,
  docs: { workshopId: string; docName: string }[],
): Promise<{ head: number; stateVersion: string }[]> {
  if (docs.length === 0) return [];
  const { rows } = await query(HEADS_SQL, [
    docs.map((d) => d.workshopId),
    docs.map((d) => d.docName),
  ]);
  return rows.map((row) => ({ head: Number(row.head), stateVersion: row.version as string }));
}
