// What a Yjs message may cost and contain before the room's document sees it. Yjs trusts its
// input: an 11-byte update announcing 30 million structs makes it preallocate ~220 MB, a struct
// of length zero breaks every later encoding of the document ("Unexpected case"), and a bad
// state vector throws deep inside a sync answer. These checks walk the bytes once, allocate
// nothing in proportion to announced counts, and throw `MalformedMessage` on anything a stock
// Yjs client would never send.
import * as decoding from 'lib0/decoding';

/** A message that cannot be decoded, or asks for work out of proportion to its size. */
export class MalformedMessage extends Error {}

/** Yjs struct info bits (see Item.write in yjs). */
const BITS5 = 0b0001_1111;
const BIT6 = 0b0010_0000;
const BIT7 = 0b0100_0000;
const BIT8 = 0b1000_0000;
/** The content references Yjs knows (its `contentRefs` table); 0 is GC and 10 is Skip. */
const Content = {
  deleted: 1,
  json: 2,
  binary: 3,
  string: 4,
  embed: 5,
  format: 6,
  type: 7,
  any: 8,
  doc: 9,
} as const;
const SKIP_INFO = 10;
/** Shared types of the contract's schema: Y.Array (0), Y.Map (1), Y.Text (2). No XML, no subdocuments. */
const ALLOWED_TYPE_REFS = new Set([0, 1, 2]);

function fail(reason: string): never {
  throw new MalformedMessage(reason);
}

/**
 * Walks a Yjs v1 update: every struct and every delete-set range must be whole and of positive
 * length, and every content and type reference one that the schema uses. O(bytes), no
 * allocation driven by counts in the message.
 */
export function checkUpdate(update: Uint8Array): void {
  try {
    walkUpdate(decoding.createDecoder(update));
  } catch (error) {
    if (error instanceof MalformedMessage) throw error;
    fail(`undecodable update: ${String(error)}`);
  }
}

function walkUpdate(d: decoding.Decoder): void {
  const clients = decoding.readVarUint(d);
  for (let c = 0; c < clients; c++) {
    const structs = decoding.readVarUint(d);
    // Each struct takes at least one byte: a count beyond what is left is a lie.
    if (structs > d.arr.length - d.pos) fail('more structs announced than bytes');
    decoding.readVarUint(d); // client
    decoding.readVarUint(d); // first clock
    for (let s = 0; s < structs; s++) walkStruct(d);
  }
  walkDeleteSet(d);
}

function walkStruct(d: decoding.Decoder): void {
  const info = decoding.readUint8(d);
  const contentRef = info & BITS5;
  if (info === SKIP_INFO || contentRef === 0) {
    // Skip and GC structs: a length only.
    if (decoding.readVarUint(d) === 0) fail('empty struct');
    return;
  }
  if (info & BIT8) readId(d); // origin
  if (info & BIT7) readId(d); // right origin
  if ((info & (BIT7 | BIT8)) === 0) {
    // No origin to copy the parent from: the parent is a top-level name or an item id.
    if (decoding.readVarUint(d) === 1) decoding.readVarString(d);
    else readId(d);
    if (info & BIT6) decoding.readVarString(d); // parentSub (a map key)
  }
  if (contentLength(d, contentRef) <= 0) fail('empty content');
}

function readId(d: decoding.Decoder): void {
  decoding.readVarUint(d);
  decoding.readVarUint(d);
}

/** Reads one item content and returns its length in Yjs clock units. */
function contentLength(d: decoding.Decoder, ref: number): number {
  switch (ref) {
    case Content.deleted:
      return decoding.readVarUint(d);
    case Content.json: {
      const n = decoding.readVarUint(d);
      if (n > d.arr.length - d.pos) fail('more entries announced than bytes');
      for (let i = 0; i < n; i++) decoding.readVarString(d);
      return n;
    }
    case Content.binary:
      decoding.readVarUint8Array(d);
      return 1;
    case Content.string:
      // Yjs counts UTF-16 code units, as String#length does.
      return decoding.readVarString(d).length;
    case Content.embed:
      JSON.parse(decoding.readVarString(d));
      return 1;
    case Content.format:
      decoding.readVarString(d);
      JSON.parse(decoding.readVarString(d));
      return 1;
    case Content.type: {
      const typeRef = decoding.readVarUint(d);
      if (!ALLOWED_TYPE_REFS.has(typeRef)) fail(`type ${typeRef} is not in the schema`);
      return 1;
    }
    case Content.any: {
      const n = decoding.readVarUint(d);
      if (n > d.arr.length - d.pos) fail('more entries announced than bytes');
      for (let i = 0; i < n; i++) decoding.readAny(d);
      return n;
    }
    default:
      // Subdocuments (9) and unknown references.
      return fail(`content ${ref} is not in the schema`);
  }
}

function walkDeleteSet(d: decoding.Decoder): void {
  const clients = decoding.readVarUint(d);
  for (let c = 0; c < clients; c++) {
    decoding.readVarUint(d); // client
    const ranges = decoding.readVarUint(d);
    if (ranges > d.arr.length - d.pos) fail('more deletions announced than bytes');
    for (let r = 0; r < ranges; r++) {
      decoding.readVarUint(d); // clock
      if (decoding.readVarUint(d) === 0) fail('empty deletion');
    }
  }
}

/** Checks a state vector (the body of sync step 1) the way Yjs will read it. */
export function checkStateVector(stateVector: Uint8Array): void {
  try {
    const d = decoding.createDecoder(stateVector);
    const n = decoding.readVarUint(d);
    if (n > d.arr.length - d.pos) fail('more clients announced than bytes');
    for (let i = 0; i < n; i++) {
      decoding.readVarUint(d);
      decoding.readVarUint(d);
    }
  } catch (error) {
    if (error instanceof MalformedMessage) throw error;
    fail(`undecodable state vector: ${String(error)}`);
  }
}

/** One entry of an awareness update: a client id, its clock and its state as JSON text. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  json: string;
}

/** Decodes an awareness update without parsing the states (the room decides what to keep first). */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  try {
    const d = decoding.createDecoder(update);
    const n = decoding.readVarUint(d);
    if (n > d.arr.length - d.pos) fail('more states announced than bytes');
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < n; i++) {
      entries.push({
        clientId: decoding.readVarUint(d),
        clock: decoding.readVarUint(d),
        json: decoding.readVarString(d),
      });
    }
    return entries;
  } catch (error) {
    if (error instanceof MalformedMessage) throw error;
    return fail(`undecodable awareness update: ${String(error)}`);
  }
}
