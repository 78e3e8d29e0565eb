// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per function,
// inclusive time per function (each function counted once per sample, so recursion does not
// inflate it), and time per area (our server/ code, each dependency, GC, idle).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  where: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  byArea: { area: string; selfMs: number }[];
  bySelf: ProfileRow[];
  /** Inclusive time of functions in server/ (where a fix would go). */
  serverInclusive: ProfileRow[];
}

/** Where a frame's code comes from: a project folder, a package, Node itself, or V8. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: native, unattributed)';
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return 'node internals';
  const project = /\/(server|shared|bench)\//.exec(url)?.[1];
  return project ? `${project}/` : url;
}

function shortUrl(url: string, line: number): string {
  const i = url.search(/\/(server|shared|bench|node_modules)\//);
  const short = i >= 0 ? url.slice(i + 1).replace(/^node_modules\//, '') : url;
  // TypeScript runs transpiled by tsx: its line numbers are the output's, not the source's.
  return url.endsWith('.ts') ? short : `${short}:${line + 1}`;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'}\u0000${n.callFrame.url}\u0000${n.callFrame.lineNumber}`;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let wallUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attributing it to sample i is V8's convention.
    const dt = profile.timeDeltas[i] ?? 0;
    wallUs += dt;
    const leaf = byId.get(profile.samples[i]!);
    if (!leaf) continue;
    const leafKey = keyOf(leaf);
    self.set(leafKey, (self.get(leafKey) ?? 0) + dt);
    const area = areaOf(leaf.callFrame.url, leaf.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    if (area === '(idle)') idleUs += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const key = keyOf(byId.get(id)!);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  }
  const row = (key: string): ProfileRow => {
    const [name, url, line] = key.split('\u0000') as [string, string, string];
    return {
      name,
      where: url ? shortUrl(url, Number(line)) : '(native)',
      selfMs: (self.get(key) ?? 0) / 1000,
      totalMs: (total.get(key) ?? 0) / 1000,
    };
  };
  const skip = new Set(['(idle)', '(root)', '(program)']);
  return {
    wallMs: wallUs / 1000,
    busyMs: (wallUs - idleUs) / 1000,
    byArea: [...areas.entries()]
      .map(([area, us]) => ({ area, selfMs: us / 1000 }))
      .sort((a, b) => b.selfMs - a.selfMs),
    bySelf: [...self.keys()]
      .filter((k) => !skip.has(k.split('\u0000')[0]!))
      .map(row)
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
    serverInclusive: [...total.keys()]
      .filter((k) => k.includes('/server/'))
      .map(row)
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, top),
  };
}

/** A profile summary as Markdown tables. */
export function profileMarkdown(title: string, s: ProfileSummary): string {
  const ms = (v: number) => v.toFixed(0);
  const pct = (v: number) => `${((100 * v) / s.busyMs).toFixed(1)} %`;
  const lines = [
    `#### ${title}`,
    '',
    `Wall ${ms(s.wallMs)} ms, busy ${ms(s.busyMs)} ms (everything but idle).`,
    '',
    '| area | self ms | share of busy |',
    '|---|---:|---:|',
    ...s.byArea
      .filter((a) => a.area !== '(idle)')
      .slice(0, 14)
      .map((a) => `| ${a.area} | ${ms(a.selfMs)} | ${pct(a.selfMs)} |`),
    '',
    '| function (self time) | where | self ms | share of busy |',
    '|---|---|---:|---:|',
    ...s.bySelf
      .slice(0, 15)
      .map((r) => `| \`${r.name}\` | ${r.where} | ${ms(r.selfMs)} | ${pct(r.selfMs)} |`),
    '',
    '| server/ function (inclusive time) | where | total ms | share of busy |',
    '|---|---|---:|---:|',
    ...s.serverInclusive
      .slice(0, 15)
      .map((r) => `| \`${r.name}\` | ${r.where} | ${ms(r.totalMs)} | ${pct(r.totalMs)} |`),
    '',
  ];
  return lines.join('\n');
}

// `node --import tsx bench/lib/cpuprofile.ts <file.cpuprofile>` prints the summary.
if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpuprofile.ts <file.cpuprofile>');
  process.stdout.write(profileMarkdown(file, summarizeProfile(file)));
}
