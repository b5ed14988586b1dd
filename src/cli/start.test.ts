import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/runCli.ts';

/** Starts `wattledger start` as npm start does, until it prints its address; stops it with Ctrl-C. */
function startPlatform(dataDir: string) {
  const child = spawn(
    'node',
    ['bin/wattledger.js', 'start', '--data-dir', dataDir, '--port', '0', '--speed', '120'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /Open (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (url !== undefined && stdout.includes('Running.')) resolve(url);
    });
    void exited.then((code) => reject(new Error(`start exited with ${code}: ${stderr}`)));
  });
  return {
    ready,
    output: () => stdout,
    async interrupt() {
      child.kill('SIGINT');
      return await exited;
    },
  };
}

describe('wattledger start (what npm start runs)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the platform with the case study, stops on Ctrl-C, and resumes with everything there', async () => {
    const first = startPlatform(dataDir);
    const url = await first.ready;
    expect(first.output()).toContain('contracts deployed');
    expect(first.output()).toMatch(/enrolled #1 Wind producer \(login "wind"\)/);
    const password = /Operator login: operator \/ (\S+)/.exec(first.output())?.[1];
    expect(password).toMatch(/^[0-9a-f]{24}$/);
    const participants = (await (await fetch(`${url}/api/participants`)).json()) as {
      participants: unknown[];
    };
    expect(participants.participants).toHaveLength(4);
    const market = (await (await fetch(`${url}/api/market`)).json()) as { clock: { speed: number } };
    expect(market.clock.speed).toBe(120);
    const login = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password }),
    });
    expect(login.status).toBe(200);
    expect(await first.interrupt()).toBe(0);
    expect(first.output()).toContain('Stopped.');

    const second = startPlatform(dataDir);
    const url2 = await second.ready;
    expect(second.output()).toMatch(/contracts found at 0x[0-9a-fA-F]{40}/);
    expect(second.output()).not.toContain('enrolled #1');
    expect(second.output()).toContain(`Operator login: operator / ${password}`);
    const again = (await (await fetch(`${url2}/api/participants`)).json()) as { participants: unknown[] };
    expect(again.participants).toEqual(participants.participants);
    expect(await second.interrupt()).toBe(0);
  }, 180_000);

  it('refuses a bad configuration naming the file and the field', async () => {
    const run = await runCli(['start', '--data-dir', dataDir, '--chain-port', 'eighty']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'wattledger start: defaults: chain.port: must be a whole number from 0 to 65535, got "eighty"\n',
    );
  });
});
