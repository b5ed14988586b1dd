import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFile } from 'node:fs/promises';
import { WattLedgerError } from '../core/errors.ts';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The whole `--help` text. */
  readonly help: string;
  run(args: readonly string[], output: Output): Promise<number>;
}

/** A command line that cannot be understood (unknown option, missing file argument). */
export class UsageError extends WattLedgerError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Parses a command's arguments strictly; `-h/--help` is always accepted. */
export function parseCommandArgs(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  positionals: { min: number; max: number; names: string },
): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as ParsedArgs;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const count = parsed.positionals.length;
  if (parsed.values.help !== true && (count < positionals.min || count > positionals.max)) {
    throw new UsageError(
      count < positionals.min
        ? `missing ${positionals.names}`
        : `unexpected argument "${parsed.positionals[positionals.max]}"`,
    );
  }
  return parsed;
}

/** Reads and parses a JSON input file, naming the file in any error. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : (error as Error).message;
    throw new WattLedgerError('CLI_FILE', `${path}: ${reason}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WattLedgerError('CLI_FILE', `${path}: not valid JSON (${(error as Error).message})`);
  }
}

export const printJson = (output: Output, value: unknown): void =>
  output.out(`${JSON.stringify(value, null, 2)}\n`);
