// The witness process (`npm run witness`): the only file of it that touches the environment, ports and signals.
import { serve } from '@hono/node-server';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ed25519Cosigner } from './log/cosignature.ts';
import { ed25519PrivateKey, parseVkey } from './log/note.ts';
import { witnessApp } from './log/witness.ts';
import { messageOf } from './errors.ts';

function fail(message: string): never {
  process.stderr.write(`the witness could not start: ${message}\n`);
  process.exit(1);
}

const env = process.env;
const name = env.WITNESS_NAME?.trim() || fail('set WITNESS_NAME, e.g. witness.example.org/w1.');
const port = Number(env.WITNESS_PORT ?? 8790);
const dataDir = resolve(env.WITNESS_DATA_DIR?.trim() || 'witness-data');
const keyFile = resolve(dataDir, 'witness.key');
let logs;
try {
  logs = (env.WITNESS_LOGS ?? '').split(',').map((v) => v.trim()).filter(Boolean).map(parseVkey);
} catch (error) {
  fail(`WITNESS_LOGS: ${messageOf(error)}`);
}
if (logs.length === 0) fail("set WITNESS_LOGS to the logs' verifier keys (GET /v1/log → verifierKey), comma-separated.");
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('WITNESS_PORT must be a port number.');

// The cosigning key: a 32-byte Ed25519 seed, created once, readable by its owner only.
if (!existsSync(keyFile)) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
}
const cosigner = ed25519Cosigner(name, ed25519PrivateKey(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')));
const app = witnessApp({ cosigner, logs, stateFile: resolve(dataDir, 'state.json') });
const server = serve({ fetch: app.fetch, port });
server.once('listening', () => process.stdout.write(`witness ${name} on port ${port}\n  verifier key (for LOG_WITNESSES): ${cosigner.vkey}\n`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)));
