import { AwardInput, RenewalInput, RevocationInput, WithdrawalInput } from '../contract/requests.ts';
import { parseWith } from '../contract/refusals.ts';
import { DATE_FORMS, readDate } from '../domain/dates.ts';
import { ECEI, effectiveStatus } from '../domain/schemes.ts';
import type { Label } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { command, textOption, type Cli, type Command, type OptionSpec, type OptionValues } from './command.ts';

const DATE = 'date';
const schemeOption: OptionSpec = { type: 'string', value: 'id', description: 'the scheme the label is of (default: ecei; see schemes list)', field: 'scheme' };
const awardOptions: Record<string, OptionSpec> = {
  scheme: schemeOption,
  level: { type: 'string', value: 'level', required: true, description: 'bronze, silver or gold (or a level of --scheme)', field: 'level' },
  awarded: { type: 'string', value: DATE, description: `the assessment date, written ${DATE_FORMS} (default: today)`, field: 'awarded' },
  'valid-until': { type: 'string', value: DATE, description: 'an explicit last day (default: from the level’s validity period)', field: 'validUntil' },
  ref: { type: 'string', value: 'text', description: 'the assessment reference', field: 'assessmentRef' },
};

/** A date option in any form the import reads, as `YYYY-MM-DD`; a refusal names the option. */
function dateOption(options: OptionValues, name: string): string | undefined {
  const value = textOption(options, name);
  if (value === undefined) return undefined;
  const date = readDate(value.trim());
  if (!date) throw fail('invalid_date', { field: `--${name}`, value: value.slice(0, 40), forms: DATE_FORMS });
  return date;
}

function report(cli: Cli, verb: string, label: Label) {
  const level = label.scheme === ECEI ? label.level : `${label.scheme} ${label.level}`;
  cli.out(`${verb} ${label.clusterId}: ${level}, ${effectiveStatus(label, cli.services.now())}, awarded ${label.awarded}, valid until ${label.validUntil}.`);
}

/** Award and upgrade take the same options and differ only in what they ask the registry. */
function awardCommand(action: string, summary: string, verb: string, act: (cli: Cli, cluster: string, input: AwardInput) => Promise<Label>): Command {
  return command({
    name: `labels ${action}`,
    summary,
    args: ['cluster'],
    options: awardOptions,
    async run(cli, { cluster }, options) {
      const input = parseWith(AwardInput, { scheme: options.scheme, level: options.level, awarded: dateOption(options, 'awarded'), validUntil: dateOption(options, 'valid-until'), assessmentRef: options.ref });
      report(cli, verb, await act(cli, cluster, input));
    },
  });
}

export const labelCommands: Command[] = [
  awardCommand('award', 'award a label (a first one, or after an expired, withdrawn or revoked one)', 'Awarded', (cli, cluster, input) => cli.services.registry.award(cluster, input, cli.actor)),
  awardCommand('upgrade', 'replace the current valid label by a higher level', 'Upgraded', (cli, cluster, input) => cli.services.registry.upgrade(cluster, input, cli.actor)),
  command({
    name: 'labels renew',
    summary: 'renew the current label from its previous end (before expiry or within the grace year)',
    args: ['cluster'],
    options: {
      scheme: schemeOption,
      'valid-until': { type: 'string', value: DATE, description: 'an explicit new last day (default: from the level’s renewal period)', field: 'validUntil' },
      ref: { type: 'string', value: 'text', description: 'the assessment reference of the re-certification', field: 'assessmentRef' },
    },
    async run(cli, { cluster }, options) {
      const input = parseWith(RenewalInput, { scheme: options.scheme, validUntil: dateOption(options, 'valid-until'), assessmentRef: options.ref });
      report(cli, 'Renewed', await cli.services.registry.renew(cluster, input, cli.actor));
    },
  }),
  command({
    name: 'labels revoke',
    summary: 'revoke the current label early, for cause',
    args: ['cluster'],
    options: {
      scheme: schemeOption,
      reason: { type: 'string', value: 'text', required: true, description: 'the public reason, shown in the signed statement', field: 'reason' },
      note: { type: 'string', value: 'text', description: 'an internal note, never published', field: 'note' },
    },
    async run(cli, { cluster }, options) {
      report(cli, 'Revoked', await cli.services.registry.revoke(cluster, parseWith(RevocationInput, { scheme: options.scheme, reason: options.reason, note: options.note }), cli.actor));
    },
  }),
  command({
    name: 'labels withdraw',
    summary: 'withdraw an expired label formally (once its grace year has passed)',
    args: ['cluster'],
    options: { scheme: schemeOption },
    async run(cli, { cluster }, options) {
      report(cli, 'Withdrew', await cli.services.registry.withdraw(cluster, cli.actor, undefined, parseWith(WithdrawalInput, { scheme: options.scheme })));
    },
  }),
];
