/** The configuration flags every long-running command accepts, and how they become the config. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildConfig, type WattLedgerConfig } from '../config/config.ts';
import { readJsonFile, type ParsedArgs } from './command.ts';

export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
} as const;

export const CONFIG_HELP = `  --config FILE     configuration file (default: wattledger.config.json here, if present);
                    see docs/configuration.md
  --data-dir DIR    where the chain state, deployment record and keys are kept (default: data)
  --port N          the embedded chain's port (default: a free one)`;

export async function configFromArgs(
  values: ParsedArgs['values'],
  cwd = process.cwd(),
): Promise<WattLedgerConfig> {
  const explicit = typeof values.config === 'string' ? resolve(cwd, values.config) : undefined;
  const implicit = resolve(cwd, 'wattledger.config.json');
  const path = explicit ?? (existsSync(implicit) ? implicit : undefined);
  const file = path === undefined ? undefined : await readJsonFile(path);
  const overrides: Record<string, unknown> = {};
  if (typeof values['data-dir'] === 'string') overrides.dataDir = resolve(cwd, values['data-dir']);
  if (typeof values.port === 'string') {
    overrides.chain = { port: /^\d+$/.test(values.port) ? Number(values.port) : values.port };
  }
  return buildConfig(file, path ?? 'defaults', path === undefined ? cwd : dirname(path), overrides);
}
