/**
 * The embedded chain: anvil (a real Ethereum node, from the @foundry-rs/anvil npm package) started as a
 * child process on a free loopback port, its state kept in a file under the data folder so that a
 * restart keeps every balance, trade and receipt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ChainUnavailableError } from './errors.ts';

export interface AnvilOptions {
  /** Folder for the state file and anvil's own home; created if missing. */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly chainId?: number;
  /** Seconds between state dumps, so that even a kill -9 loses at most this much. */
  readonly stateIntervalSeconds?: number;
  /** Interval mining instead of one block per transaction. */
  readonly blockTimeSeconds?: number;
  /** Enforce the Osaka 16,777,216-gas cap per transaction (EIP-7825). */
  readonly enforceTransactionGasCap?: boolean;
  /** The block gas limit (anvil's default is 30 M): room for many transactions in one block. */
  readonly blockGasLimit?: bigint;
  /** Where anvil's output goes, line by line (default: dropped). */
  readonly log?: (line: string) => void;
}

export interface EmbeddedChain {
  readonly rpcUrl: string;
  readonly port: number;
  readonly statePath: string;
  /** anvil's process id, to measure the CPU time it uses (benchmarks). */
  readonly pid: number | undefined;
  /** Stops anvil cleanly, which writes its state file. */
  stop(): Promise<void>;
}

/** The default anvil mnemonic's accounts are only ever used on the embedded chain. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

const require = createRequire(import.meta.url);

/** The anvil binary that npm installed for this platform. */
export function anvilBinaryPath(): string {
  const pkg = `@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'anvil');
  } catch (cause) {
    throw new ChainUnavailableError(
      `the anvil binary package ${pkg} is not installed (run npm ci; npm has anvil 1.7.1 for Linux x64 only — elsewhere point chain.mode "rpc" at a node)`,
      { pkg },
      cause,
    );
  }
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rpcReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startAnvil(options: AnvilOptions): Promise<EmbeddedChain> {
  mkdirSync(options.dataDir, { recursive: true });
  const home = join(options.dataDir, 'anvil-home');
  mkdirSync(home, { recursive: true });
  const statePath = join(options.dataDir, 'chain-state.json');
  const port = options.port === undefined || options.port === 0 ? await freePort() : options.port;
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--chain-id',
    String(options.chainId ?? 31337),
    '--state',
    statePath,
    '--state-interval',
    String(options.stateIntervalSeconds ?? 5),
    // Without pruning anvil keeps a state snapshot per block on disk and never deletes it.
    '--prune-history',
    '50',
    '--mnemonic',
    ANVIL_MNEMONIC,
    '--accounts',
    '10',
  ];
  if (options.blockTimeSeconds !== undefined) args.push('--block-time', String(options.blockTimeSeconds));
  if (options.enforceTransactionGasCap) args.push('--enable-tx-gas-limit');
  if (options.blockGasLimit !== undefined) args.push('--gas-limit', String(options.blockGasLimit));
  const child: ChildProcess = spawn(anvilBinaryPath(), args, {
    // anvil's home (and its cache) inside the data folder, so nothing escapes it.
    env: { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, 'cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.length === 0) continue;
      output.push(line);
      if (output.length > 50) output.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited: number | null | undefined;
  // The chain never outlives the process that started it, even when that process crashes.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  const rpcUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (!(await rpcReady(rpcUrl))) {
    if (exited !== undefined) {
      throw new ChainUnavailableError(
        `anvil exited with code ${exited} while starting: ${output.slice(-5).join(' | ')}`,
        {
          port,
        },
      );
    }
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new ChainUnavailableError(`anvil did not answer on ${rpcUrl} within 30 s`, { port });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    rpcUrl,
    port,
    statePath,
    pid: child.pid,
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
