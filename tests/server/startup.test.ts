import { freePort } from '../support/ports.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { requireBuilt } from '../support/built.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});


/** A port held by a listener of the test's own, whose port below is free too (a demo's faulty issuer sits at DEMO_PORT + 1). */
async function occupy(): Promise<[Server, number]> {
  for (;;) {
    const below = await freePort();
    const blocker = createServer();
    const held = await new Promise<boolean>((resolve) => blocker.once('error', () => resolve(false)).listen(below + 1, () => resolve(true)));
    if (held) return [blocker, below + 1];
  }
}

/** Starts the built entry file, as `npm start` does; resolves once it has printed its URLs or exited. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [requireBuilt('dist/server/main.js')], {
    env: { PATH: process.env.PATH!, DEMO_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => child.stdout!.on('data', () => stdout.includes('cluster-label issuer') && resolve()));
  return { child, exited, ready, output: () => ({ stdout, stderr }) };
}

describe('configuration', () => {
  it('has the contract defaults', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 8787, publicUrl: 'http://localhost:8787', attestationTtl: 600, seedDemo: true, databaseUrl: undefined });
    expect(readConfig({ DATABASE_URL: 'postgres://x@localhost/db', KEY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }).seedDemo).toBe(false);
  });

  it('takes PUBLIC_URL from PORT unless it is set, and HOST as given', () => {
    expect(readConfig({ PORT: '9110' })).toMatchObject({ port: 9110, publicUrl: 'http://localhost:9110', host: undefined });
    expect(readConfig({ PORT: '9110', PUBLIC_URL: 'https://label.example.org', HOST: ' 127.0.0.1 ' })).toMatchObject({ publicUrl: 'https://label.example.org', host: '127.0.0.1' });
  });

  it.each([
    [{ PUBLIC_URL: 'https://label.example.org/verify' }, /PUBLIC_URL must be an origin only/],
    [{ PUBLIC_URL: 'https://label.example.org/' }, /must not end with a slash/],
    [{ PUBLIC_URL: 'ftp://label.example.org' }, /http or https/],
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ ATTESTATION_TTL: '5' }, /ATTESTATION_TTL must be a whole number from 30/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /DATABASE_URL must be a PostgreSQL URL/],
    [{ DATABASE_URL: 'postgres://localhost/db' }, /KEY_ENCRYPTION_KEY is required/],
    [{ KEY_ENCRYPTION_KEY: 'short' }, /32 random bytes/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO must be on or off/],
    [{ DEMO_PORT: '65535' }, /DEMO_PORT must be a whole number from 0 to 65534/],
  ])('refuses %j', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe('the server process', () => {
  it('starts on a fresh data directory, prints its addresses first, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'cluster-label-start-'));
    const server = start({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    await server.ready;
    expect(server.output().stdout.trimStart()).toMatch(new RegExp(`^cluster-label issuer {3}http://localhost:${port} {3}\\(listening on 127\\.0\\.0\\.1, port ${port}\\)\n`));
    const response = await fetch(`http://127.0.0.1:${port}/v1/clusters/demo-silver/attestation`);
    expect(response.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/v1/clusters/no-such-cluster/attestation`)).status).toBe(404);
    expect(server.output().stdout).toContain(`http://localhost:${port}/clusters`);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // A refusal is logged at once, the successful read in the counts written on the way out;
    // both by route, with no path, no cluster id and no client address.
    const logs = server.output().stdout.split('\n').filter((line) => line.startsWith('{')).join('\n');
    expect(logs).toMatch(/"event":"request","method":"GET","route":"\/v1\/clusters\/:id\/attestation","status":404/);
    expect(logs).toMatch(/"event":"requests".*\{"method":"GET","route":"\/v1\/clusters\/:id\/attestation","status":200,"count":1,/);
    expect(logs).not.toMatch(/demo-silver|no-such-cluster|127\.0\.0\.1|::1|::ffff/);
  });

  it.each([
    ['a PUBLIC_URL with a path', { PUBLIC_URL: 'http://localhost:1/x' }, /PUBLIC_URL must be an origin only/],
    ['an unreachable DATABASE_URL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') }, /Cannot reach PostgreSQL 127\.0\.0\.1:1\/none.*\[database_unreachable\]/],
  ])('explains %s in one line and exits 1', async (_, env, message) => {
    const server = start({ DATA_DIR: mkdtempSync(join(tmpdir(), 'cluster-label-start-')), ...env });
    expect(await server.exited).toBe(1);
    const { stderr } = server.output();
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('explains any taken port, the issuer’s or the demo’s, and writes nothing to DATA_DIR', async () => {
    const [blocker, taken] = await occupy();
    try {
      const roles: Array<[Record<string, string>, string]> = [
        [{ PORT: String(taken) }, 'the issuer; set PORT to another one'],
        [{ DEMO_PORT: String(taken) }, 'the demo site; set DEMO_PORT to another port whose next one is free too, or DEMO_PORT=0 for no demo'],
        [{ DEMO_PORT: String(taken - 1) }, "the demo's faulty issuer, DEMO_PORT + 1; set DEMO_PORT"],
      ];
      for (const [env, role] of roles) {
        const dataDir = join(mkdtempSync(join(tmpdir(), 'cluster-label-start-')), 'data');
        const server = start({ PORT: String(await freePort()), DATA_DIR: dataDir, ...env });
        expect(await server.exited).toBe(1);
        const { stdout, stderr } = server.output();
        expect(stderr).toContain(`cluster-label could not start: port ${taken} is already in use (${role}`);
        expect(stderr.trim().split('\n')).toHaveLength(1);
        expect(stdout).toBe('');
        expect(() => readdirSync(dataDir)).toThrow(/ENOENT/);
      }
    } finally {
      blocker.close();
    }
  });

  it('explains an unreadable key file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cluster-label-start-'));
    writeFileSync(join(dataDir, 'key-encryption.key'), 'AAAA\n');
    chmodSync(join(dataDir, 'key-encryption.key'), 0o600);
    const server = start({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await server.exited).toBe(1);
    expect(server.output().stderr).toMatch(/does not hold a 32-byte key.*\[key_unreadable\]/);
  });
});
