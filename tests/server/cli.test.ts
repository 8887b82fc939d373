import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../server/cli/run.ts';
import { Accounts } from '../../server/console/accounts.ts';
import { addMonths, endOfMonthAfter, utcDate } from '../../server/domain/dates.ts';
import { requireBuilt } from '../support/built.ts';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const actor = `cli:${userInfo().username}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- …` in this process, on the registry `env` names, with `input` on standard input (not a terminal). */
async function admin(env: Record<string, string>, args: string[], input = ''): Promise<Run> {
  const run = { code: 0, stdout: '', stderr: '' };
  run.code = await runCli(args, {
    env,
    stdin: Readable.from(input ? [input] : []),
    stdout: { write: (text: string) => (run.stdout += text) },
    stderr: { write: (text: string) => (run.stderr += text) },
  });
  return run;
}

/** The built CLI as a real process, as `npm run admin` starts it. */
function builtAdmin(env: Record<string, string>, ...args: string[]): Promise<Run & { seconds: number }> {
  const cli = requireBuilt('dist/server/cli.js');
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

/** A refusal: exit 1, one line with the code on standard error, no stack trace. */
function expectError(run: Run, code: string) {
  expect(run.code, run.stderr).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error \\[${code}\\]: \\S`));
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('admin CLI help', () => {
  const env = { DATA_DIR: '/nonexistent/never-created' };
  const run = (...args: string[]) => admin(env, args);

  it('describes every command and each command’s options without opening a registry', async () => {
    const overview = await run('--help');
    expect(overview.code).toBe(0);
    const names = [...overview.stdout.matchAll(/^ {2}(\S+(?: \S+)?) {2,}/gm)].map((m) => m[1]!);
    expect(names).toEqual(
      expect.arrayContaining(['tokens create', 'tokens list', 'tokens revoke', 'clusters create', 'clusters show', 'clusters list', 'labels award', 'labels upgrade', 'labels renew', 'labels revoke', 'labels withdraw', 'keys list', 'keys rotate', 'keys revoke', 'audit verify', 'expire']),
    );
    const helps = await Promise.all(names.map((name) => run(...name.split(' '), '--help')));
    helps.forEach((help, i) => {
      expect(help.code, names[i]).toBe(0);
      expect(help.stdout).toContain(`Usage: npm run admin -- ${names[i]}`);
    });
    expect(helps[names.indexOf('tokens create')]!.stdout).toContain('--role <role>  viewer, officer, admin (required)');
    expect(helps[names.indexOf('clusters create')]!.stdout).toContain('--site <origin>');
    const group = await run('labels', '--help');
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('labels withdraw');
  });

  it('refuses unknown commands and options with a usage error', async () => {
    const runs = await Promise.all([
      run('tokens', 'steal'),
      run('labels', 'award', 'alpha', '--level', 'gold', '--colour', 'red'),
      run('tokens', 'create', 'ci'),
      run('clusters', 'show'),
      run('keys', 'revoke', '-v9Dk9cM9N0NpssAzRdsAse9v1dj1gK-ctsma5tcowQ'),
    ]);
    for (const refused of runs) expectError(refused, 'usage');
    expect(runs[0]!.stderr).toBe('error [usage]: unknown command "tokens steal". See npm run admin -- tokens --help\n');
    expect(runs[1]!.stderr).toBe("error [usage]: Unknown option '--colour'. See npm run admin -- labels award --help\n");
    // A key id that begins with "-" is read as options: the message says how to give it.
    expect(runs[4]!.stderr).toContain('a value that begins with "-" goes after "--": keys revoke -- -v9Dk9cM9N0NpssAzRdsAse9v1dj1gK-ctsma5tcowQ');
    expect((await run()).code).toBe(1);
  });

  it('suggests the command a typo most likely meant, and points to --help', async () => {
    const typos: Array<[string[], string]> = [
      [['label', 'award', 'alpha'], 'unknown command "label award"; did you mean "labels award"? See npm run admin -- --help'],
      [['clusters', 'lsit'], 'unknown command "clusters lsit"; did you mean "clusters list"? See npm run admin -- clusters --help'],
      [['expier'], 'unknown command "expier"; did you mean "expire"? See npm run admin -- --help'],
      [['lables'], 'unknown command "lables"; did you mean "labels"? See npm run admin -- --help'],
      [['deploy'], 'unknown command "deploy". See npm run admin -- --help'],
    ];
    for (const [args, message] of typos) {
      const refused = await run(...args);
      expectError(refused, 'usage');
      expect(refused.stderr).toBe(`error [usage]: ${message}\n`);
    }
  });
});

describeEachDialect('admin CLI', (dialect) => {
  let server: TestServer;
  let env: Record<string, string>;

  beforeEach(async () => {
    server = await startTestServer(dialect);
    env = {
      DATA_DIR: server.dataDir,
      PUBLIC_URL: 'https://issuer.test',
      SEED_DEMO: 'off',
      KEY_ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
      PASSWORD_HASH_COST: '10',
      ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}),
    };
  });
  afterEach(() => server.cleanup());

  const run = (...args: string[]) => admin(env, args);
  /** Runs a command that must succeed; its standard output. */
  async function ok(...args: string[]) {
    const result = await run(...args);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  }

  it('signs as the issuer the registry names when PUBLIC_URL is not set, and as PUBLIC_URL when it is', async () => {
    const { PUBLIC_URL: _unset, ...withoutUrl } = env;
    await createTestCluster(server, 'alpha');
    const issuerOfHead = async () => decodeJwt((await server.registry.auditHead())!.signature).iss;
    expect(await issuerOfHead()).toBe('https://issuer.test');

    const created = await admin(withoutUrl, ['users', 'create', 'office@example.org', '--role', 'admin'], 'a long enough password\n');
    expect(created.stdout).toBe('Created the admin account office@example.org. Sign in at https://issuer.test/admin\n');
    expect(await issuerOfHead()).toBe('https://issuer.test');

    const moved = await admin({ ...withoutUrl, PUBLIC_URL: 'https://label.example.org' }, ['users', 'create', 'ci@example.org', '--role', 'viewer'], 'a long enough password\n');
    expect(moved.stdout).toBe('Created the viewer account ci@example.org. Sign in at https://label.example.org/admin\n');
    expect(await issuerOfHead()).toBe('https://label.example.org');
  });

  it('creates a token whose secret works once shown, lists it, and revokes it', async () => {
    const empty = await run('tokens', 'list');
    expect(empty).toEqual({ code: 0, stdout: '', stderr: 'No API tokens yet: create one with tokens create <name> --role <role>.\n' });
    const created = await run('tokens', 'create', 'ci-deploy', '--role', 'officer');
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^cl_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('not shown again');
    const authorised = { headers: { Authorization: `Bearer ${secret}` } };
    expect((await server.app.request('/v1/admin/clusters', authorised)).status).toBe(200);

    const listed = await run('tokens', 'list');
    expect(listed.stdout).toMatch(/^ci-deploy\s+officer\s+\d{4}-\d\d-\d\dT\S+\s+-$/m);
    expect(listed.stdout).not.toContain(secret);

    expectError(await run('tokens', 'create', 'ci-deploy', '--role', 'viewer'), 'token_exists');
    expectError(await run('tokens', 'create', 'root', '--role', 'superuser'), 'unknown_role');
    await ok('tokens', 'revoke', 'ci-deploy');
    expect((await server.app.request('/v1/admin/clusters', authorised)).status).toBe(401);
    expectError(await run('tokens', 'revoke', 'ci-deploy'), 'token_already_revoked');
    expect((await server.registry.audit({ subject: 'token:ci-deploy' })).map((e) => [e.action, e.actor])).toEqual([
      ['token.revoke', actor],
      ['token.create', actor],
    ]);
  });

  it('registers clusters and runs a label through its life, as cli:<user>', async () => {
    await ok('clusters', 'create', 'alpha', '--name', 'Alpha Cluster', '--country', 'de', '--site', 'https://www.alpha.example', '--site', 'https://alpha.example', '--email', 'office@alpha.example');
    expect(await server.registry.getCluster('alpha')).toMatchObject({ country: 'DE', sites: ['https://www.alpha.example', 'https://alpha.example'], contactEmail: 'office@alpha.example' });

    // The CLI runs on the real clock: dates relative to today keep the test true on any day.
    const today = utcDate(new Date());
    const bronze = { on: addMonths(today, -8), until: endOfMonthAfter(addMonths(today, -8), 24) };
    const silver = { on: addMonths(today, -1), until: endOfMonthAfter(addMonths(today, -1), 24) };
    const renewed = endOfMonthAfter(silver.until, 24);
    expect(await ok('labels', 'award', 'alpha', '--level', 'bronze', '--awarded', bronze.on, '--ref', 'ESCA-1')).toBe(`Awarded alpha: bronze, valid, awarded ${bronze.on}, valid until ${bronze.until}.\n`);
    expect(await ok('labels', 'upgrade', 'alpha', '--level', 'silver', '--awarded', silver.on)).toContain(`silver, valid, awarded ${silver.on}, valid until ${silver.until}`);
    expect(await ok('labels', 'renew', 'alpha', '--valid-until', renewed)).toContain(`valid until ${renewed}`);
    expect(await ok('labels', 'revoke', 'alpha', '--reason', 'Evidence withdrawn.', '--note', 'internal')).toContain('alpha: silver, revoked');
    expect(await server.registry.getCurrentLabel('alpha')).toMatchObject({ status: 'revoked', publicReason: 'Evidence withdrawn.', internalNote: 'internal' });

    const shown = await ok('clusters', 'show', 'alpha');
    expect(shown).toMatch(/^sites\s+https:\/\/www\.alpha\.example https:\/\/alpha\.example$/m);
    expect(shown).toMatch(new RegExp(`^\\d+\\s+bronze\\s+superseded\\s+${bronze.on}\\s+${bronze.until}\\s+ESCA-1\\s+-$`, 'm'));
    expect(shown).toMatch(new RegExp(`^\\d+\\s+silver\\s+revoked\\s+${silver.on}\\s+${renewed}\\s+-\\s+Evidence withdrawn\\.$`, 'm'));
    await ok('clusters', 'create', 'beta', '--name', 'Beta', '--country', 'FR');
    const listed = await ok('clusters', 'list');
    expect(listed.trim().split('\n').slice(1).map((line) => line.split(/\s+/).slice(0, 4))).toEqual([
      ['alpha', 'DE', 'silver', 'revoked'],
      ['beta', 'FR', '-', 'none'],
    ]);
    const actions = (await server.registry.audit({ subject: 'alpha' })).map((e) => [e.action, e.actor]);
    expect(actions).toEqual(['label.revoke', 'label.renew', 'label.upgrade', 'label.award', 'cluster.create'].map((a) => [a, actor]));
  });

  it('refuses bad input with one line and its code, and changes nothing', async () => {
    await ok('clusters', 'create', 'alpha', '--name', 'Alpha', '--country', 'DE');
    const head = await server.registry.auditHead();
    const refusals: Array<[string, string[]]> = [
      ['cluster_exists', ['clusters', 'create', 'alpha', '--name', 'Again', '--country', 'DE']],
      ['invalid_cluster_id', ['clusters', 'create', 'Bad_Id', '--name', 'x', '--country', 'DE']],
      ['invalid_origin', ['clusters', 'create', 'gamma', '--name', 'x', '--country', 'DE', '--site', 'https://gamma.example/']],
      ['unknown_level', ['labels', 'award', 'alpha', '--level', 'platinum']],
      ['invalid_date', ['labels', 'award', 'alpha', '--level', 'gold', '--awarded', '2025-02-30']],
      ['valid_until_before_awarded', ['labels', 'award', 'alpha', '--level', 'gold', '--awarded', '2025-03-10', '--valid-until', '2025-01-31']],
      ['cluster_not_found', ['labels', 'award', 'nobody', '--level', 'gold']],
      ['no_current_label', ['labels', 'withdraw', 'alpha']],
      ['cluster_not_found', ['clusters', 'show', 'nobody']],
    ];
    // One after another: in one process, SQLite's wait for a lock would block the holder too.
    for (const [code, args] of refusals) expectError(await run(...args), code);
    expect(await server.registry.auditHead()).toEqual(head);
  });

  it('records expired labels once, then withdraws one past its grace year', async () => {
    await ok('clusters', 'create', 'old', '--name', 'Old', '--country', 'DE');
    await ok('labels', 'award', 'old', '--level', 'bronze', '--awarded', '2019-05-10');
    expect(await ok('expire')).toBe('Recorded 1 label as expired.\n');
    expect(await ok('expire')).toBe('Recorded 0 labels as expired.\n');
    expect((await server.registry.getCurrentLabel('old'))!.status).toBe('expired');
    expect(await ok('labels', 'withdraw', 'old')).toBe('Withdrew old: bronze, withdrawn, awarded 2019-05-10, valid until 2021-05-31.\n');
  });

  it('lists, rotates in two steps and revokes signing keys', async () => {
    const first = server.keyring.currentKid!;
    expect(await ok('keys', 'list')).toMatch(new RegExp(`^${first}\\s+current\\s`, 'm'));
    const next = /next key (\S+)\./.exec(await ok('keys', 'rotate'))?.[1];
    expect(next).toBeDefined();
    expectError(await run('keys', 'rotate'), 'next_key_too_new');
    expect(await ok('keys', 'rotate', '--force')).toContain(`Activated the key ${next}`);
    // A key id may begin with "-": after `--` it is read as the value it is, whatever its first character.
    expect(await ok('keys', 'revoke', '--', first)).toBe(`Revoked the key ${first}; ${next} signs from now on.\n`);
    await server.keyring.refresh();
    expect(server.keyring.list().map((k) => [k.kid, k.state])).toEqual([
      [first, 'revoked'],
      [next, 'current'],
    ]);
    expectError(await run('keys', 'revoke', 'no-such-kid'), 'key_not_found');
  });

  it('verifies the audit chain, against a saved head too, and names the first broken entry', async () => {
    await ok('clusters', 'create', 'alpha', '--name', 'Alpha', '--country', 'DE');
    const headFile = join(server.dataDir, 'head.json');
    writeFileSync(headFile, await (await server.app.request('/v1/audit/head')).text());
    await ok('clusters', 'create', 'beta', '--name', 'Beta', '--country', 'DE');

    expect(await ok('audit', 'verify', '--head', headFile)).toMatch(/^The audit chain holds: 4 entries, including the saved head 3\.$/m);

    const forged = JSON.parse(await (await server.app.request('/v1/audit/head')).text()) as { seq: number };
    writeFileSync(join(server.dataDir, 'forged.json'), JSON.stringify({ ...forged, seq: forged.seq + 5 }));
    expectError(await run('audit', 'verify', '--head', join(server.dataDir, 'forged.json')), 'invalid_head');

    await server.database.db.updateTable('audit_log').set({ subject: 'gamma' }).where('seq', '=', 2).execute();
    const broken = await run('audit', 'verify');
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe('The audit chain is broken at entry 2: its content does not match its hash.\n');
  });

  it('reads dates in the forms the import reads, and names the option the user typed when refusing', async () => {
    await ok('clusters', 'create', 'alpha', '--name', 'Alpha', '--country', 'DE');
    expect(await ok('labels', 'award', 'alpha', '--level', 'gold', '--awarded', '15.3.2026', '--valid-until', '31.12.2027')).toBe(
      'Awarded alpha: gold, valid, awarded 2026-03-15, valid until 2027-12-31.\n',
    );
    expect(await ok('labels', 'renew', 'alpha', '--valid-until', '2029/12/31')).toContain('valid until 2029-12-31');
    const head = await server.registry.auditHead();
    const badDate = await run('labels', 'renew', 'alpha', '--valid-until', '31.13.2030');
    expectError(badDate, 'invalid_date');
    expect(badDate.stderr).toContain('--valid-until must be a real calendar date written 2026-03-31, 2026/03/31 or 31.03.2026; it is "31.13.2030".');
    const longRef = await run('labels', 'renew', 'alpha', '--ref', 'x'.repeat(101));
    expectError(longRef, 'invalid_field');
    expect(longRef.stderr).toMatch(/^error \[invalid_field\]: --ref must be at most 100 characters/);
    const emptyName = await run('clusters', 'create', 'beta', '--name', ' ', '--country', 'DE');
    expect(emptyName.stderr).toBe('error [missing_field]: --name is required.\n');
    expect(await server.registry.auditHead()).toEqual(head);
  });

  it('creates a console account from a password piped in, and says so plainly when none was given', async () => {
    const none = await run('users', 'create', 'office@example.org', '--role', 'admin');
    expectError(none, 'password_missing');
    expect(none.stderr).toContain('No password was given');
    expect(await ok('users', 'list')).toBe('');

    const created = await admin(env, ['users', 'create', 'office@example.org', '--role', 'admin'], 'a long enough password\n');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('Created the admin account office@example.org. Sign in at https://issuer.test/admin\n');
    const accounts = new Accounts(server.database, server.keyring, server.now);
    expect(await accounts.authenticate('office@example.org', 'a long enough password')).toMatchObject({ role: 'admin' });
    expectError(await admin(env, ['users', 'create', 'short@example.org', '--role', 'viewer'], 'too short\n'), 'weak_password');
  });

  it('exports the register to standard output with -, and imports it back with the summary first', async () => {
    await ok('clusters', 'create', 'alpha', '--name', 'Alpha', '--country', 'DE', '--site', 'https://alpha.example');
    await ok('labels', 'award', 'alpha', '--level', 'silver', '--awarded', '2026-01-10');
    const exported = await run('export', '-');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.split('\n')[0]).toMatch(/^Id,Name,/);
    expect(exported.stdout).toContain('alpha,Alpha,');
    expect(exported.stderr).toBe('Wrote 1 clusters to standard output.\n');

    const file = join(server.dataDir, 'register.csv');
    const names = Array.from({ length: 30 }, (_, i) => `Imported Cluster ${i}`);
    writeFileSync(file, `Name,Country\n${names.map((name) => `${name},FR`).join('\n')}\n`);
    const dry = await run('import', file, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr.split('\n')[0]).toBe('30 rows: 30 would be created, 0 would be updated, 0 labels would be set, 0 unchanged. Dry run: nothing was written.');
    expect(dry.stderr).toContain('--verbose lists every cluster');
    expect(dry.stdout).toBe('');
    const verbose = await run('import', file, '--dry-run', '--verbose');
    expect(verbose.stdout.trim().split('\n')).toHaveLength(30);
    expect(verbose.stdout).toMatch(/^would be created {2}imported-cluster-0$/m);

    writeFileSync(file, `Name,Country\n${names.map((name) => `${name},Nowhere`).join('\n')}\n`);
    const bad = await run('import', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('30 bad lines of 30: nothing was imported.');
    expect(bad.stdout.trim().split('\n')).toHaveLength(10);
    expect(bad.stderr).toContain('… and 20 more bad lines: --verbose lists every one.');
    expect((await run('import', file, '--verbose')).stdout.trim().split('\n')).toHaveLength(30);
    expect((await server.registry.listClusters({ offset: 0, limit: 100 })).total).toBe(1);
  });

  it('reaches a running server with its change within a second: the server follows the audit chain', async () => {
    await ok('clusters', 'create', 'alpha', '--name', 'Alpha Cluster', '--country', 'DE');
    await ok('labels', 'award', 'alpha', '--level', 'silver');
    const status = async () => {
      const response = await server.app.request('/v1/clusters/alpha/attestation');
      const [, payload] = (await response.text()).split('.');
      return (JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { label: { status: string } }).label.status;
    };
    // Signed and kept: without hearing of the revocation, the server would serve it for half its lifetime.
    await vi.waitFor(async () => expect(await status()).toBe('valid'), { timeout: 5_000, interval: 20 });

    await ok('labels', 'revoke', 'alpha', '--reason', 'Evidence withdrawn.');
    const committed = performance.now();
    await vi.waitFor(async () => expect(await status()).toBe('revoked'), { timeout: 5_000, interval: 5 });
    console.log(`change bus [${dialect}]: the server served "revoked" ${Math.round(performance.now() - committed)} ms after the CLI command returned`);
  });
});

describe('the built admin CLI', () => {
  it('runs from dist/server/cli.js, as npm run admin starts it, on a registry of its own', async () => {
    const server = await startTestServer('sqlite');
    try {
      const env = { DATA_DIR: server.dataDir, SEED_DEMO: 'off', KEY_ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=' };
      const help = await builtAdmin(env, '--help');
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run admin -- <command> \[options\]$/m);
      const created = await builtAdmin(env, 'clusters', 'create', 'alpha', '--name', 'Alpha', '--country', 'DE');
      expect(created.code, created.stderr).toBe(0);
      expect(await server.registry.getCluster('alpha')).toMatchObject({ name: 'Alpha' });
      const typo = await builtAdmin(env, 'label', 'award', 'alpha');
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('did you mean "labels award"?');
      console.log(`[cli] built CLI: --help ${help.seconds.toFixed(2)} s, clusters create ${created.seconds.toFixed(2)} s (wall time of the whole process, this machine, now)`);
    } finally {
      await server.cleanup();
    }
  });
});
