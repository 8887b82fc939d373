/**
 * Start-up on an existing registry: from spawning the command to the first `200` of
 * `GET /v1/clusters/demo-silver/attestation`, for `npm start` (which runs `npm run build`
 * first) and for the built server alone (`node dist/server/main.js`, as a deployment starts
 * it). Also the server's idle resident memory.
 *
 *   npx tsx tests/bench/startup.ts [--runs 5]
 *
 * The registry is a fresh SQLite one under a temporary DATA_DIR, created (and seeded with
 * the demo clusters) by one run that is not counted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const PORT = 18790;
const env = { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'cluster-label-startup-')), PORT: String(PORT), PUBLIC_URL: `http://localhost:${PORT}`, DEMO_PORT: String(PORT + 1) };

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** The node process that listens on PORT (under npm and sh for `npm start`). */
function listener(): number | undefined {
  const inode = ['/proc/net/tcp', '/proc/net/tcp6']
    .flatMap((table) => readFileSync(table, 'utf8').split('\n')).find((line) => new RegExp(`:${PORT.toString(16).toUpperCase().padStart(4, '0')} [0-9A-F]+:0000 0A`).test(line))?.trim().split(/\s+/)[9];
  if (!inode) return undefined;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return Number(pid);
    } catch {
      // a process that ended or is not ours
    }
  }
  return undefined;
}

async function once(command: string, args: string[]): Promise<{ ms: number; idleRss: number }> {
  const started = performance.now();
  const child: ChildProcess = spawn(command, args, { env, stdio: 'ignore', detached: true });
  let ms = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/v1/clusters/demo-silver/attestation`)).status === 200) {
        ms = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const pid = listener();
  const idleRss = pid ? rssMb(pid) : NaN;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  // The listening node process may outlive npm by a moment.
  while (listener()) await new Promise((resolve) => setTimeout(resolve, 20));
  return { ms, idleRss };
}

const commands: [string, string, string[]][] = [
  ['npm start', 'npm', ['start', '--silent']],
  ['node dist/server/main.js', process.execPath, ['dist/server/main.js']],
];

await once(process.execPath, ['dist/server/main.js']);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`start-up benchmark — existing SQLite registry with the demo clusters, spawn → first 200 of the attestation route, ${runs} runs`);
for (const [name, command, args] of commands) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(command, args));
  const ms = results.map((r) => r.ms);
  console.log(`  ${name.padEnd(34)} median ${median(ms).toFixed(0).padStart(5)} ms   max ${Math.max(...ms).toFixed(0).padStart(5)} ms   idle RSS ${median(results.map((r) => r.idleRss)).toFixed(0)} MB   (target < 2000 ms)`);
}
