import type { Services } from '../services.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** How the value is shown in help: `--role <role>`. */
  value?: string;
  required?: boolean;
  description: string;
  /** The input field this option fills: a refusal that names the field names the option instead. */
  field?: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** The value of the string option `name`; undefined when it was not given. */
export function textOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/** The process around the CLI: its environment and standard streams (in tests, stand-ins). */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** What a command gets to work with. */
export interface Cli {
  io: CliIo;
  services: Services;
  /** Who the audit log names: `cli:<os user>`. */
  actor: string;
  /** A line of the command's result, on standard output. */
  out(line: string): void;
  /** A remark for the person at the terminal, on standard error. */
  note(line: string): void;
}

export interface Command<A extends string = string> {
  /** The words that call it: `tokens create`. */
  name: string;
  summary: string;
  /** Positional arguments, all required, in order: `['name']` is shown as `<name>`. */
  args?: readonly A[];
  options?: Record<string, OptionSpec>;
  /** More help, after the options. */
  details?: string;
  /** Gets each positional argument by its name; returns the exit code (0 when absent). */
  run(cli: Cli, args: Record<A, string>, options: OptionValues): Promise<number | void>;
}

/**
 * A command whose `run` gets its positional arguments by the names `args` declares.
 *
 * @example command({ name: 'keys revoke', summary: '…', args: ['kid'], run: async (cli, { kid }) => … })
 */
export const command = <const A extends string = never>(spec: Command<A>): Command => spec;

/** A mistake in how the command was called: exit 1, with a pointer to --help. */
export class UsageError extends Error {
  readonly code = 'usage';
}
