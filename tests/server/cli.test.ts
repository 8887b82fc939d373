import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addMonths, endOfMonthAfter, utcDate } from '../../server/domain/dates.ts';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

// Each command is a real process that loads the server's modules: seconds, not milliseconds.
vi.setConfig({ testTimeout: 90_000 });

const root = fileURLToPath(new URL('../..', import.meta.url));
const actor = `cli:${userInfo().username}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- …` as a real process, on the registry `env` names. */
function admin(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
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

  it('describes every command and each command’s options without opening a registry', async () => {
    const overview = await admin(env, '--help');
    expect(overview.code).toBe(0);
    const names = [...overview.stdout.matchAll(/^ {2}(\S+(?: \S+)?) {2,}/gm)].map((m) => m[1]!);
    expect(names).toEqual(
      expect.arrayContaining(['tokens create', 'tokens list', 'tokens revoke', 'clusters create', 'clusters show', 'clusters list', 'labels award', 'labels upgrade', 'labels renew', 'labels revoke', 'labels withdraw', 'keys list', 'keys rotate', 'keys revoke', 'audit verify', 'expire']),
    );
    const helps = await Promise.all(names.map((name) => admin(env, ...name.split(' '), '--help')));
    helps.forEach((help, i) => {
      expect(help.code, names[i]).toBe(0);
      expect(help.stdout).toContain(`Usage: npm run admin -- ${names[i]}`);
    });
    expect(helps[names.indexOf('tokens create')]!.stdout).toContain('--role <role>  viewer, officer, admin (required)');
    expect(helps[names.indexOf('clusters create')]!.stdout).toContain('--site <origin>');
    const group = await admin(env, 'labels', '--help');
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('labels withdraw');
  });

  it('refuses unknown commands and options with a usage error', async () => {
    const runs = await Promise.all([
      admin(env, 'tokens', 'steal'),
      admin(env, 'labels', 'award', 'alpha', '--level', 'gold', '--colour', 'red'),
      admin(env, 'tokens', 'create', 'ci'),
      admin(env, 'clusters', 'show'),
    ]);
    for (const run of runs) expectError(run, 'usage');
    expect(runs[1]!.stderr).toBe("error [usage]: Unknown option '--colour'. See npm run admin -- labels award --help\n");
    expect((await admin(env)).code).toBe(1);
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
      ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}),
    };
  });
  afterEach(() => server.cleanup());

  const run = (...args: string[]) => admin(env, ...args);
  /** Runs a command that must succeed; its standard output. */
  async function ok(...args: string[]) {
    const result = await run(...args);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  }

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
    // Refusals change nothing, so they may run side by side.
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
    const runs = await Promise.all(refusals.map(([, args]) => run(...args)));
    runs.forEach((result, i) => expectError(result, refusals[i]![0]));
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
    expect(await ok('keys', 'revoke', first)).toBe(`Revoked the key ${first}; ${next} signs from now on.\n`);
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
});
