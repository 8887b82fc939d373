import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openServices } from '../services.ts';
import { messageOf, codeOf } from '../errors.ts';
import { UsageError, type CliIo, type Command, type OptionValues } from './command.ts';
import { commands } from './commands.ts';
import { openCliRegistry } from './issuer.ts';
import { closest } from './suggest.ts';

const PROGRAM = 'npm run admin --';

const groups = [...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];

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

/** The usage error for words that name no command: the likely command, and where to look. */
function unknownCommand(argv: string[]): UsageError {
  const words = argv.slice(0, 2).filter((word) => !word.startsWith('-'));
  const typed = words.join(' ');
  const suggestion = closest(typed, commands.map((c) => c.name)) ?? (words.length === 1 ? closest(typed, groups) : undefined);
  const help = groups.includes(words[0]!) ? `${PROGRAM} ${words[0]} --help` : `${PROGRAM} --help`;
  return new UsageError(`unknown command "${typed}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} See ${help}`);
}

function parse(command: Command, rest: string[]): { args: Record<string, string>; options: OptionValues; help: boolean } {
  const specs = Object.fromEntries(Object.entries(command.options ?? {}).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false }]));
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...specs, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages go on to explain `--` escaping; the first sentence is the one that helps.
    const first = messageOf(error).split('. ')[0]!.replace(/\.$/, '');
    // A value may begin with "-" (a key id can), and is then read as options: `--` before it says it is a value.
    const value = codeOf(error) === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? rest.find((word) => /^-[^-]./.test(word)) : undefined;
    throw new UsageError(value ? `${first}; a value that begins with "-" goes after "--": ${command.name} -- ${value}` : first);
  }
  const { help, ...options } = parsed.values as OptionValues;
  if (help) return { args: {}, options: {}, help: true };
  const expected = command.args ?? [];
  if (parsed.positionals.length !== expected.length) {
    throw new UsageError(expected.length ? `${command.name} takes ${expected.map((a) => `<${a}>`).join(' ')}` : `${command.name} takes no arguments`);
  }
  for (const [name, o] of Object.entries(command.options ?? {})) {
    if (o.required && options[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  // Counted above: each declared argument has its value.
  return { args: Object.fromEntries(expected.map((name, i) => [name, parsed.positionals[i] ?? ''])), options, help: false };
}

function actor(env: CliIo['env']): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // No passwd entry (some containers): the environment is all there is.
    return `cli:${env.USER ?? env.LOGNAME ?? 'unknown'}`;
  }
}

/** A refusal that names an input field the way the API does is told with the option the user typed. */
function inOptionTerms(error: unknown, command: Command): unknown {
  if (!(error instanceof Error)) return error;
  for (const [name, option] of Object.entries(command.options ?? {})) {
    if (option.field) error.message = error.message.replaceAll(`The field "${option.field}"`, `--${name}`);
  }
  return error;
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  const found = find(argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length && (argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h')) {
      const width = Math.max(...group.map((c) => c.name.length));
      io.stdout.write(`Commands:\n${group.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\nRun ${PROGRAM} <command> --help for its arguments and options.\n`);
      return argv[1] === undefined ? 1 : 0;
    }
    throw unknownCommand(argv);
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
    io.stdout.write(`${usage(command)}\n`);
    return 0;
  }
  const { config, database } = await openCliRegistry(io.env);
  const services = await openServices(config, { listen: false, database });
  try {
    const cli = {
      io,
      services,
      actor: actor(io.env),
      out: (line: string) => void io.stdout.write(`${line}\n`),
      note: (line: string) => void io.stderr.write(`${line}\n`),
    };
    return (await command.run(cli, parsed.args, parsed.options)) ?? 0;
  } catch (error) {
    throw inOptionTerms(error, command);
  } finally {
    await services.close();
  }
}

/**
 * Runs one admin command as `npm run admin -- …` would, and returns its exit code. Errors
 * become one line on standard error with their stable code, never a stack trace.
 *
 * @example process.exitCode = await runCli(['clusters', 'list'], { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.stderr.write(`error [${codeOf(error) ?? 'internal_error'}]: ${messageOf(error)}\n`);
    return 1;
  }
}
