// What the benchmarks that run servers as processes share: a seeded registry, starting a
// server, wrk, and reading a process's CPU time and memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../server/config.ts';
import { openServices } from '../../server/services.ts';

export interface BenchRegistry {
  dataDir: string;
  /** What a server process needs to open this registry. */
  env: Record<string, string>;
  /** A wrk script that rotates over `count` paths, with `etag(i)` as If-None-Match when given. */
  rotateScript(name: string, count: number, path: (i: number) => string, etag?: (i: number) => string): string;
  close(): Promise<void>;
}

/** A registry of its own with `count` clusters `bench-1…`: three in four labelled, the rest without a label. */
export async function seedBenchClusters(dialect: string, count: number): Promise<BenchRegistry> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cluster-label-bench-'));
  const kek = Buffer.alloc(32, 9).toString('base64');
  let databaseUrl: string | undefined;
  let drop = async () => {};
  if (dialect === 'postgres') {
    const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const pg = (await import('pg')).default;
    const name = `cluster_label_bench_${process.pid}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(sql);
      await client.end();
    };
    await admin(`create database ${name}`);
    drop = () => admin(`drop database if exists ${name} with (force)`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  const env = { DATA_DIR: dataDir, SEED_DEMO: 'off', DEMO_PORT: '0', KEY_ENCRYPTION_KEY: kek, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const services = await openServices(readConfig({ ...env, PUBLIC_URL: 'http://localhost:1' }));
  for (let i = 1; i <= count; i++) {
    const id = `bench-${i}`;
    await services.registry.createCluster({ id, name: `Bench Cluster ${i}`, organisation: 'Bench', country: 'DE', portfolio: 'Benchmarks', sites: ['https://www.example.org'], contactEmail: null }, 'bench');
    if (i % 4 !== 0) await services.registry.award(id, { level: (['bronze', 'silver', 'gold'] as const)[i % 3]! }, 'bench');
  }
  await services.close();
  return {
    dataDir,
    env,
    rotateScript(name, n, path, etag) {
      const file = join(dataDir, `${name}.lua`);
      const lua = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
      const list = (f: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => lua(f(i + 1))).join(', ')} }`;
      writeFileSync(
        file,
        `local paths = ${list(path)}
${etag ? `local etags = ${list(etag)}` : ''}
local i = 0
request = function()
  i = (i % ${n}) + 1
  return wrk.format("GET", paths[i]${etag ? ', { ["If-None-Match"] = etags[i] }' : ''})
end
`,
      );
      return file;
    },
    close: drop,
  };
}

/**
 * A server process on `port` (a built `.js` file, or TypeScript through tsx), its standard
 * output to a file in the registry's directory; resolves once `ready` answers 200.
 */
export async function startServerProcess(args: string[], port: number, registry: BenchRegistry, options: { pin?: boolean; extra?: Record<string, string>; ready: string; node?: string[] }): Promise<ChildProcess> {
  const runner = [...(options.node ?? []), ...(args[0]!.endsWith('.js') ? [] : ['--import', 'tsx'])];
  const log = openSync(join(registry.dataDir, 'server.log'), 'a');
  const command = options.pin ? ['taskset', '-c', '0', process.execPath] : [process.execPath];
  const child = spawn(command[0]!, [...command.slice(1), ...runner, ...args], {
    env: { ...process.env, ...registry.env, ...options.extra, PORT: String(port), PUBLIC_URL: `http://localhost:${port}` },
    stdio: ['ignore', log, 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}${options.ready}`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** User and system CPU time of every thread of `pid`, in seconds (proc(5): utime, stime in clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: the fields start after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface WrkRun {
  rps: number;
  requests: number;
  p99: number;
  errors: number;
  /** Peak RSS of the server during the run, MB. */
  rss: number;
}

/** One wrk run at 64 connections against 127.0.0.1:`port`, sampling the server's memory. */
export async function wrk(port: number, pid: number, script: string, options: { seconds: number; pin?: boolean; connections?: number }): Promise<WrkRun> {
  let peak = rssMb(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 200);
  const args = [`-t${options.pin ? 1 : 2}`, `-c${options.connections ?? 64}`, `-d${options.seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}`];
  const child = spawn(options.pin ? 'taskset' : 'wrk', options.pin ? ['-c', '1', 'wrk', ...args] : args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(pid));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
  const requests = Number(/(\d+) requests in/.exec(out)![1]);
  const p99raw = /99%\s+([\d.]+)(us|ms|s)/.exec(out)!;
  const p99 = Number(p99raw[1]) * (p99raw[2] === 'us' ? 0.001 : p99raw[2] === 's' ? 1000 : 1);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1) ?? [];
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + socketErrors.reduce((sum, n) => sum + Number(n), 0);
  return { rps, requests, p99, errors, rss: peak };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
