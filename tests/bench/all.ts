/**
 * Every benchmark, one after the other (they must not share the machine), each printing
 * its own figures: `npm run bench`. Needs wrk, Chromium, the built widget and server (`npm run build`)
 * and, for the PostgreSQL runs, TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 *
 *   npx tsx tests/bench/all.ts [--quick]
 *
 * --quick: shorter runs (2 s × 1 round, 10,000–20,000 clusters) to check that everything runs.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const q = values.quick;
const attestation = q ? ['--seconds', '2', '--rounds', '1'] : ['--seconds', '5', '--rounds', '6'];
const scale = q ? ['--clusters', '20000', '--rounds', '5'] : [];

const runs: string[][] = [
  ['attestation.ts', ...attestation],
  ['attestation.ts', ...attestation, '--etag', 'match'],
  ['attestation.ts', ...attestation, '--dialect', 'postgres'],
  ['cold.ts'],
  ['cold.ts', '--dialect', 'postgres'],
  ['cold-profile.ts', ...(q ? ['--seconds', '2'] : [])],
  ['crawl.ts', ...(q ? ['--clusters', '10000'] : [])],
  ['widget.ts', ...(q ? ['--loads', '5'] : [])],
  ['startup.ts', ...(q ? ['--runs', '2'] : [])],
  ['search.ts', '--dialect', 'sqlite', ...scale],
  ['search.ts', '--dialect', 'postgres', ...scale],
  ['console.ts', ...(q ? ['--clusters', '20000', '--rounds', '3'] : [])],
  ['load.ts', ...(q ? ['--seconds', '5'] : [])],
  ...[['import.ts', ...(q ? ['--rows', '20000'] : [])], ['import.ts', '--dialect', 'postgres', ...(q ? ['--rows', '20000'] : [])], ['sign-in.ts']],
];

// The PostgreSQL runs create (and drop) their own databases on this server.
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

let failed = 0;
for (const args of runs) {
  const command = ['tsx', `tests/bench/${args[0]}`, ...args.slice(1)];
  process.stdout.write(`\n$ npx ${command.join(' ')}\n`);
  const { status } = spawnSync('npx', command, { stdio: 'inherit' });
  if (status !== 0) {
    failed++;
    process.stdout.write(`  (exited with ${status})\n`);
  }
}
process.exit(failed ? 1 : 0);
