/** The configuration flags every long-running command accepts, and how they become the config. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildConfig, type WattLedgerConfig } from '../config/config.ts';
import { readJsonFile, type ParsedArgs } from './command.ts';

export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'chain-port': { type: 'string' },
  speed: { type: 'string' },
} as const;

export const CONFIG_HELP = `  --config FILE     configuration file (default: wattledger.config.json here, if present);
                    see docs/configuration.md
  --data-dir DIR    where the chain state, deployment record, stores and keystores are kept
                    (default: data)
  --host HOST       the address the API and web UI listen on (default: 127.0.0.1)
  --port N          their port (default: 8787; 0 picks a free one)
  --chain-port N    the embedded chain's port (default: a free one)
  --speed N         the embedded chain's clock runs N times the wall clock (default: 10, so a
                    15-minute period takes 90 s; 1 follows the wall clock)`;

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
  const numeric = (text: string) => (/^\d+$/.test(text) ? Number(text) : text);
  if (typeof values.host === 'string') overrides.server = { host: values.host };
  if (typeof values.port === 'string')
    overrides.server = { ...(overrides.server as object), port: numeric(values.port) };
  if (typeof values['chain-port'] === 'string') overrides.chain = { port: numeric(values['chain-port']) };
  if (typeof values.speed === 'string') overrides.clock = { speed: numeric(values.speed) };
  return buildConfig(file, path ?? 'defaults', path === undefined ? cwd : dirname(path), overrides);
}
