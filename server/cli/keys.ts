import { command, type Command } from './command.ts';
import { table } from './format.ts';

export const keyCommands: Command[] = [
  {
    name: 'keys list',
    summary: 'list the signing keys and their states',
    async run(cli) {
      const { keyring } = cli.services;
      const rows = keyring.list().map((k) => [k.kid, k.state, k.createdAt, k.activatedAt, k.retiredAt, k.revokedAt]);
      for (const line of table(['KID', 'STATE', 'CREATED', 'ACTIVATED', 'RETIRED', 'REVOKED'], rows)) cli.out(line);
    },
  },
  {
    name: 'keys rotate',
    summary: 'rotate the signing key in two steps: publish a next key, later activate it',
    options: { force: { type: 'boolean', description: 'activate the next key without waiting until every cached key set has it' } },
    details:
      'Run it once to publish a next key in the key set, then again after the time it prints to make that key sign. Verifiers never meet a key they could not have fetched. --force skips the wait: tokens signed meanwhile may fail to verify for up to a few minutes.',
    async run(cli, _args, { force }) {
      const result = await cli.services.keyring.rotate(cli.actor, { force: force === true });
      if (result.step === 'published') {
        cli.out(`Published the next key ${result.kid}. Run keys rotate again after ${result.activateAfter} to make it sign.`);
      } else {
        cli.out(`Activated the key ${result.kid}: it signs from now on; the previous key is retired.`);
      }
    },
  },
  command({
    name: 'keys revoke',
    summary: 'revoke a compromised key at once (emergency)',
    args: ['kid'],
    details: 'The key leaves the key set at once and tokens it signed are no longer served; running servers pick the change up within KEY_REFRESH_INTERVAL seconds.',
    async run(cli, { kid }) {
      const { revoked, signingKid } = await cli.services.keyring.revoke(kid, cli.actor);
      cli.out(`Revoked the key ${revoked}; ${signingKid} signs from now on.`);
    },
  }),
];
