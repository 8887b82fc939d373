import { ApiTokens, ROLES } from '../auth/index.ts';
import { command, type Cli, type Command } from './command.ts';
import { table } from './format.ts';

const tokensOf = (cli: Cli) => new ApiTokens(cli.services.database, cli.services.keyring, cli.services.now);

export const tokenCommands: Command[] = [
  command({
    name: 'tokens create',
    summary: 'create an API token and show its secret, once',
    args: ['name'],
    options: { role: { type: 'string', value: 'role', required: true, description: ROLES.join(', ') } },
    details: 'The secret is printed on standard output and never again: only its hash is stored. Requests send it as Authorization: Bearer <secret>.',
    async run(cli, { name }, { role }) {
      const { token, secret } = await tokensOf(cli).create(name, role as string, cli.actor);
      cli.note(`Created the ${token.role} token "${token.name}". Store the secret now; it is not shown again:`);
      cli.out(secret);
    },
  }),
  {
    name: 'tokens list',
    summary: 'list API tokens (never their secrets)',
    async run(cli) {
      const tokens = await tokensOf(cli).list();
      if (tokens.length === 0) return cli.note('No API tokens yet: create one with tokens create <name> --role <role>.');
      for (const line of table(['NAME', 'ROLE', 'CREATED', 'REVOKED'], tokens.map((t) => [t.name, t.role, t.createdAt, t.revokedAt]))) cli.out(line);
    },
  },
  command({
    name: 'tokens revoke',
    summary: 'revoke an API token at once, on every instance',
    args: ['name'],
    async run(cli, { name }) {
      const token = await tokensOf(cli).revoke(name, cli.actor);
      cli.out(`Revoked the token "${token.name}" at ${token.revokedAt}.`);
    },
  }),
];
