// The admin CLI: `npm run admin -- <command>`. The only CLI file that touches argv, the environment and the exit code.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { readConfig } from '../config.ts';
import { openServices } from '../services.ts';
import { auditVerifyCommand } from './audit.ts';
import { clusterCommands } from './clusters.ts';
import { UsageError, type Command, type OptionValues } from './command.ts';
import { expireCommand } from './expire.ts';
import { keyCommands } from './keys.ts';
import { labelCommands } from './labels.ts';
import { logCommands } from './log.ts';
import { tokenCommands } from './tokens.ts';
import { registerCommands } from './register.ts';
import { userCommands } from './users.ts';

const commands: Command[] = [...tokenCommands, ...clusterCommands, ...labelCommands, ...keyCommands, auditVerifyCommand, ...logCommands, expireCommand, ...userCommands, ...registerCommands];

const PROGRAM = 'npm run admin --';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run ${PROGRAM} <command> --help for a command's arguments and options.`,
    'The registry is the one the server uses: DATA_DIR, or DATABASE_URL with KEY_ENCRYPTION_KEY.',
  ].join('\n');
}

function usage(command: Command): string {
  const options = Object.entries(command.options ?? {});
  const synopsis = [
    PROGRAM,
    command.name,
    ...(command.args ?? []).map((a) => `<${a}>`),
    ...options.filter(([, o]) => o.required).map(([name, o]) => `--${name} <${o.value ?? name}>`),
    ...(options.some(([, o]) => !o.required) ? ['[options]'] : []),
  ].join(' ');
  const lines = [`Usage: ${synopsis}`, '', `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`];
  if (options.length) {
    const shown = options.map(([name, o]) => [`--${name}${o.type === 'string' ? ` <${o.value ?? name}>` : ''}`, `${o.description}${o.required ? ' (required)' : ''}${o.multiple ? ' (repeatable)' : ''}`] as const);
    const width = Math.max(...shown.map(([flag]) => flag.length));
    lines.push('', 'Options:', ...shown.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  }
  if (command.details) lines.push('', command.details);
  return lines.join('\n');
}

/** The command the first words name, and the rest of the arguments. */
function find(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = commands.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

function parse(command: Command, rest: string[]): { args: string[]; options: OptionValues; help: boolean } {
  const specs = Object.fromEntries(Object.entries(command.options ?? {}).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false }]));
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...specs, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages go on to explain `--` escaping; the first sentence is the one that helps.
    throw new UsageError((error as Error).message.split('. ')[0]!.replace(/\.$/, ''));
  }
  const { help, ...options } = parsed.values as OptionValues;
  if (help) return { args: [], options: {}, help: true };
  const expected = command.args ?? [];
  if (parsed.positionals.length !== expected.length) {
    throw new UsageError(expected.length ? `${command.name} takes ${expected.map((a) => `<${a}>`).join(' ')}` : `${command.name} takes no arguments`);
  }
  for (const [name, o] of Object.entries(command.options ?? {})) {
    if (o.required && options[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  return { args: parsed.positionals, options, help: false };
}

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // No passwd entry (some containers): the environment is all there is.
    return `cli:${process.env.USER ?? process.env.LOGNAME ?? 'unknown'}`;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  const found = find(argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length && (argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h')) {
      const width = Math.max(...group.map((c) => c.name.length));
      process.stdout.write(`Commands:\n${group.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\nRun ${PROGRAM} <command> --help for its arguments and options.\n`);
      return argv[1] === undefined ? 1 : 0;
    }
    throw new UsageError(`unknown command "${argv.slice(0, 2).join(' ')}"`);
  }
  const { command, rest } = found;
  let parsed;
  try {
    parsed = parse(command, rest);
  } catch (error) {
    if (error instanceof UsageError) error.message += `. See ${PROGRAM} ${command.name} --help`;
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(`${usage(command)}\n`);
    return 0;
  }
  const services = await openServices(readConfig(), { listen: false });
  try {
    const code = await command.run(
      {
        services,
        actor: actor(),
        out(line) {
          process.stdout.write(`${line}\n`);
        },
        note(line) {
          process.stderr.write(`${line}\n`);
        },
      },
      parsed.args,
      parsed.options,
    );
    return code ?? 0;
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One line a person can act on, never a stack trace.
    const { code, message } = error as { code?: unknown; message?: unknown };
    process.stderr.write(`error [${typeof code === 'string' ? code : 'internal_error'}]: ${typeof message === 'string' ? message : String(error)}\n`);
    process.exitCode = 1;
  },
);
