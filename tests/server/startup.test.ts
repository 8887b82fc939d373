import { freePort } from '../support/ports.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});


/** Starts the built entry file, as `npm start` does; resolves once it has printed its URLs or exited. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/server/main.js'], {
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
  ])('refuses %j', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe('the server process', () => {
  it('starts on a fresh data directory, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'cluster-label-start-'));
    const server = start({ PORT: String(port), PUBLIC_URL: `http://localhost:${port}`, DATA_DIR: dataDir });
    await server.ready;
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

  it('explains a taken port and an unreadable key file', async () => {
    const blocker = createServer().listen(0);
    await new Promise((resolve) => blocker.once('listening', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const server = start({ PORT: String(taken), DATA_DIR: mkdtempSync(join(tmpdir(), 'cluster-label-start-')) });
      expect(await server.exited).toBe(1);
      expect(server.output().stderr).toMatch(new RegExp(`port ${taken} is already in use.*\\[port_in_use\\]`));
    } finally {
      blocker.close();
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'cluster-label-start-'));
    writeFileSync(join(dataDir, 'key-encryption.key'), 'AAAA\n');
    chmodSync(join(dataDir, 'key-encryption.key'), 0o600);
    const server = start({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await server.exited).toBe(1);
    expect(server.output().stderr).toMatch(/does not hold a 32-byte key.*\[key_unreadable\]/);
  });
});
