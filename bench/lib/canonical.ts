// A replica's content, in a form that is identical on every replica that converged: map keys
// sorted, Y.Text as strings. Hashing it lets the coordinator compare hundreds of replicas cheaply.
import { createHash } from 'node:crypto';
import * as Y from 'yjs';

function canonical(value: unknown): unknown {
  if (value instanceof Y.Text) return value.toString();
  if (value instanceof Y.Array) return value.toArray().map(canonical);
  if (value instanceof Y.Map) {
    const out: Record<string, unknown> = {};
    for (const key of [...value.keys()].sort()) out[key] = canonical(value.get(key));
    return out;
  }
  return value;
}

/** sha1 of the document's two top-level maps (the contract's schema). */
export function contentHash(doc: Y.Doc): string {
  const body = JSON.stringify({
    recommendations: canonical(doc.getMap('recommendations')),
    items: canonical(doc.getMap('items')),
  });
  return createHash('sha1').update(body).digest('hex');
}
