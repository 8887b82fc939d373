import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseOrigin } from '../config.ts';
import { fail, messageOf, codeOf } from '../errors.ts';
import { watchRound, type WatchState } from '../log/monitor.ts';
import { verifyLog } from '../log/verify.ts';
import { command, textOption, UsageError, type Command } from './command.ts';

/** Exit code of a log that does not hold (1 is for errors). */
const EXIT_BROKEN = 2;

const logVerifyCommand: Command = {
  name: 'log verify',
  summary: 'recompute the transparency log from the database and check every published checkpoint',
  details: `Exit code 0 when the log holds, ${EXIT_BROKEN} when it does not (saying what first fails), 1 on any other error.`,
  async run(cli) {
    const { database, log } = cli.services;
    const started = performance.now();
    const report = await verifyLog(database.db, await log.verifiers(), log.origin);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!report.ok) {
      cli.out(`The log does not hold: ${report.problem}.`);
      return EXIT_BROKEN;
    }
    cli.out(`The log holds: ${report.entries} entries, ${report.checkpoints} checkpoints verified (${seconds} s).`);
  },
};

const logRotateCommand: Command = {
  name: 'log rotate-key',
  summary: 'sign checkpoints with a new log key from now on (audited; widgets built with the old key must be rebuilt)',
  async run(cli) {
    const { vkey } = await cli.services.log.rotate(cli.actor);
    cli.out(`The log now signs with ${vkey}`);
  },
};

function readState(file: string | undefined): WatchState | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as WatchState;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw fail('invalid_state', { file, why: messageOf(error) });
  }
}

const logWatchCommand = command({
  name: 'log watch',
  summary: "follow an issuer's public log: check each checkpoint, print new entries",
  args: ['issuer'],
  options: {
    cluster: { type: 'string', value: 'id', description: 'print only the entries that name this cluster' },
    state: { type: 'string', value: 'file', description: 'where to keep what was verified, so a later run continues from it' },
    once: { type: 'boolean', description: 'check once and stop' },
    interval: { type: 'string', value: 'seconds', description: 'pause between checks (default 10)' },
  },
  details: `Prints each new entry as "<index> <entry JSON>". Exit code ${EXIT_BROKEN} as soon as a checkpoint is not signed by the log's key or not consistent with the last one seen; 1 on any other error.`,
  async run(cli, args, options) {
    let issuer: string;
    try {
      issuer = parseOrigin(args.issuer, 'ISSUER');
    } catch (error) {
      throw new UsageError(messageOf(error));
    }
    const interval = Number(options.interval ?? 10);
    if (!Number.isFinite(interval) || interval < 1) throw new UsageError('--interval is a number of seconds, at least 1.');
    const file = textOption(options, 'state');
    let state = readState(file);
    for (;;) {
      const outcome = await watchRound(issuer, state);
      if ('problem' in outcome) {
        cli.out(`INCONSISTENT: ${outcome.problem}.`);
        return EXIT_BROKEN;
      }
      for (const entry of outcome.entries) if (!options.cluster || entry.subject === options.cluster) cli.out(`${entry.index} ${entry.data}`);
      state = outcome.state;
      if (file) writeFileSync(file, JSON.stringify(state));
      cli.note(`checkpoint of size ${state.size} verified`);
      if (options.once) return;
      await sleep(interval * 1000);
    }
  },
});

export const logCommands: Command[] = [logVerifyCommand, logWatchCommand, logRotateCommand];
