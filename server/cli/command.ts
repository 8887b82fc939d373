import type { Services } from '../services.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** How the value is shown in help: `--role <role>`. */
  value?: string;
  required?: boolean;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What a command gets to work with. */
export interface Cli {
  services: Services;
  /** Who the audit log names: `cli:<os user>`. */
  actor: string;
  /** A line of the command's result, on standard output. */
  out(line: string): void;
  /** A remark for the person at the terminal, on standard error. */
  note(line: string): void;
}

export interface Command {
  /** The words that call it: `tokens create`. */
  name: string;
  summary: string;
  /** Positional arguments, all required, in order: `['name']` is shown as `<name>`. */
  args?: string[];
  options?: Record<string, OptionSpec>;
  /** More help, after the options. */
  details?: string;
  /** Returns the exit code (0 when absent). */
  run(cli: Cli, args: string[], options: OptionValues): Promise<number | void>;
}

/** A mistake in how the command was called: exit 1, with a pointer to --help. */
export class UsageError extends Error {
  readonly code = 'usage';
}
