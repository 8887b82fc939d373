import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ROLES } from '../auth/index.ts';
import { Accounts } from '../console/index.ts';
import { fail } from '../errors.ts';
import { command, textOption, type Cli, type CliIo, type Command } from './command.ts';
import { table } from './format.ts';

const accountsOf = (cli: Cli) => new Accounts(cli.services.database, cli.services.keyring, cli.services.now, cli.services.config.console.passwordCost);

/** Asks on the terminal without echoing what is typed. */
function askHidden(io: CliIo, question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) io.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: io.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      io.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** The first line of standard input, for scripts that pipe a password in. */
async function firstLineOfStdin(io: CliIo): Promise<string> {
  const rl = createInterface({ input: io.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

async function readPassword(io: CliIo, file: string | undefined): Promise<string> {
  const password = file ? (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '') : io.stdin.isTTY ? await askHidden(io, 'Password (at least 12 characters): ') : await firstLineOfStdin(io);
  if (password === '') {
    throw fail('password_missing', file ? { emptyFile: file } : {});
  }
  if (!file && io.stdin.isTTY && (await askHidden(io, 'The same password again: ')) !== password) throw fail('password_mismatch');
  return password;
}

export const userCommands: Command[] = [
  command({
    name: 'users create',
    summary: 'create a console account (the first admin starts here)',
    args: ['email'],
    options: {
      role: { type: 'string', value: 'role', required: true, description: ROLES.join(', ') },
      'password-file': { type: 'string', value: 'file', description: 'read the password from the first line of this file instead of asking' },
    },
    details: 'Without --password-file the password is asked for on the terminal (not echoed), or read from the first line of standard input when it is not a terminal. Passwords are stored as scrypt hashes only.',
    async run(cli, { email }, options) {
      const password = await readPassword(cli.io, textOption(options, 'password-file'));
      const user = await accountsOf(cli).create({ email: email, role: options.role as string, password }, cli.actor);
      cli.out(`Created the ${user.role} account ${user.email}. Sign in at ${cli.services.config.publicUrl}/admin`);
    },
  }),
  {
    name: 'users list',
    summary: 'list console accounts',
    async run(cli) {
      const users = await accountsOf(cli).list();
      if (users.length === 0) return cli.note('No accounts yet: create the first admin with users create <email> --role admin.');
      for (const line of table(['EMAIL', 'ROLE', 'CREATED', 'DISABLED'], users.map((u) => [u.email, u.role, u.createdAt, u.disabledAt]))) cli.out(line);
    },
  },
  command({
    name: 'users disable',
    summary: 'disable a console account and end its sessions at once',
    args: ['email'],
    async run(cli, { email }) {
      const user = await accountsOf(cli).disable(email, cli.actor);
      cli.out(`Disabled ${user.email}; its sessions have ended.`);
    },
  }),
];
