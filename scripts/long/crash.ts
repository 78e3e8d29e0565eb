// The crash suite from the command line: `npm run long:crash -- --kills 30`. Prints one line per
// kill and a summary, writes the summary as JSON, exits 1 if anything was lost.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CRASH_DEFAULTS, runCrash } from './crash-run.js';

const { values: args } = parseArgs({
  options: {
    kills: { type: 'string', default: '30' },
    'write-groups': { type: 'string', default: String(CRASH_DEFAULTS.writeGroups) },
    'vote-groups': { type: 'string', default: String(CRASH_DEFAULTS.voteGroups) },
    'group-size': { type: 'string', default: String(CRASH_DEFAULTS.writePerGroup) },
    out: { type: 'string', default: 'scripts/long/results/crash.json' },
  },
});

const groupSize = Number(args['group-size']);
const summary = await runCrash({
  ...CRASH_DEFAULTS,
  kills: Number(args.kills),
  writeGroups: Number(args['write-groups']),
  voteGroups: Number(args['vote-groups']),
  writePerGroup: groupSize,
  votePerGroup: groupSize,
  log: (line) => process.stdout.write(`${line}\n`),
});
mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(summary, null, 1)}\n`);
const {
  kills,
  earlyKills,
  edits,
  finalItems,
  votes,
  lost,
  diverged,
  mismatched,
  voteProblems,
  resyncMs,
  serverStartMs,
} = summary;
process.stdout.write(
  [
    '',
    `kills ${kills} (${earlyKills} while clients were reconnecting), ${summary.durationS} s`,
    `edits ${edits} keystrokes (${finalItems} items in the final documents), dots ${votes.ok} acknowledged, ${votes.refused} refused, ${votes.unanswered} unanswered at a crash`,
    `lost ${lost}, diverged documents ${diverged}, reloaded documents that differ ${mismatched}, vote problems ${voteProblems.length}`,
    `time to resync per participant: p50 ${resyncMs.p50} ms, p90 ${resyncMs.p90} ms, p99 ${resyncMs.p99} ms, max ${resyncMs.max} ms (n ${resyncMs.n})`,
    `server start after a crash: p50 ${serverStartMs.p50} ms, max ${serverStartMs.max} ms`,
    ...voteProblems.slice(0, 10),
    ...summary.serverErrors.slice(0, 5),
    summary.ok ? 'OK: nothing lost' : 'FAILED',
    `written to ${args.out}`,
    '',
  ].join('\n'),
);
process.exit(summary.ok ? 0 : 1);
