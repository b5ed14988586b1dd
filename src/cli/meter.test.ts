import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { constantPower } from '../meter/simulator/profiles.ts';
import { manualClock, simulatedSite } from '../meter/testing/simulatedMeters.ts';
import { runCli } from './testing/runCli.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('wattledger meter decode', () => {
  it('prints a frame as JSON with its value and unit', async () => {
    const run = await runCli([
      'meter',
      'decode',
      'FE FE 68 01 00 00 00 00 00 68 91 08 33 33 34 33 59 b3 55 44 dc 16',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      address: '000000000001',
      control: { direction: 'response', abnormal: false, function: '11', functionName: 'readData' },
      dataIdentifier: { code: '00010000', name: 'forward active total energy' },
      value: { text: '112280.26 kWh', number: '112280.26', unit: 'kWh' },
    });
  });

  it('names the error reasons of an abnormal reply', async () => {
    const run = await runCli(['meter', 'decode', '6837030092813968D101355D16']);
    expect(JSON.parse(run.stdout).error).toEqual({
      word: '02',
      reasons: [{ reason: 'no-requested-data', text: 'no requested data' }],
    });
  });

  it.each([
    [
      '68 01 00 00 00 00 00 68 11 04 33 33 34 33 B4 16',
      'wattledger meter: HEX: checksum is B4H but the bytes sum to B3H\n',
    ],
    ['68 01 zz', 'wattledger meter: HEX: "68 01 zz" is not a sequence of hex bytes\n'],
    ['68 01 00 00', 'wattledger meter: HEX: a frame has at least 12 bytes, got 4\n'],
  ])('refuses %s with one line and exit 1', async (hex, message) => {
    const run = await runCli(['meter', 'decode', hex]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(message);
  });
});

/** `meter read` of meter 000000000042 through the gateway at `port`. */
const readAt = (port: number | undefined, ...more: string[]) =>
  runCli(['meter', 'read', '--tcp', `127.0.0.1:${port}`, '--address', '000000000042', ...more]);

describe('wattledger meter read', () => {
  it('reads a live meter through a TCP gateway', async () => {
    const site = await simulatedSite(manualClock(Date.UTC(2026, 10, 22, 12)), [
      { address: '000000000042', profile: constantPower(500), forwardSteps: 123_456n },
    ]);
    cleanups.push(() => site.close());
    const run = await readAt(site.server.port, '--di', '00010000');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      address: '000000000042',
      link: `tcp://127.0.0.1:${site.server.port}`,
      dataIdentifier: { code: '00010000', name: 'forward active total energy' },
      value: { text: '1234.56 kWh', number: '1234.56', unit: 'kWh' },
      raw: '56 34 12 00',
    });
  });

  it.each([
    [
      ['--tcp', 'localhost', '--address', '000000000001', '--di', '00010000'],
      'wattledger meter: --tcp: "localhost" is not HOST:PORT (run "wattledger meter --help")\n',
      2,
    ],
    [
      ['--tcp', 'h:1', '--address', '12345', '--di', '00010000'],
      'wattledger meter: --address: "12345" is not a meter address (12 digits, or AA pairs as wildcards)\n',
      1,
    ],
    [
      ['--tcp', 'h:1', '--address', '000000000001', '--di', 'power'],
      'wattledger meter: --di: "power" is not a data identifier (8 hex digits such as 00010000)\n',
      1,
    ],
    [
      ['--tcp', 'h:1', '--address', '000000000001', '--di', '00010001'],
      'wattledger meter: --di: 00010001 is not a supported data identifier (supported: 00000000, 00010000, 00020000, 02030000, 02010100, 02010200, 02010300, 02020100, 02020200, 02020300, 04000101, 04000102, 04000401, 04000402)\n',
      1,
    ],
    [
      ['--address', '000000000001', '--di', '00010000'],
      'wattledger meter: give exactly one of --tcp HOST:PORT and --serial PATH (run "wattledger meter --help")\n',
      2,
    ],
  ])('refuses bad arguments naming them (%#)', async (args, message, code) => {
    const run = await runCli(['meter', 'read', ...args]);
    expect(run.stderr).toBe(message);
    expect(run.code).toBe(code);
  });

  it('reads an identifier it does not know with --raw, printing its bytes', async () => {
    const site = await simulatedSite(manualClock(0), [
      {
        address: '000000000042',
        profile: constantPower(0),
        extraRegisters: new Map([[0x0001ff00, Uint8Array.of(0x12, 0x34)]]),
      },
    ]);
    cleanups.push(() => site.close());
    const run = await readAt(site.server.port, '--di', '0001FF00', '--raw');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({
      dataIdentifier: { code: '0001FF00', name: null },
      value: null,
      raw: '12 34',
    });
  });

  it('reports a meter that does not answer', async () => {
    const site = await simulatedSite(
      manualClock(0),
      [{ address: '000000000042', profile: constantPower(0) }],
      { drop: 1 },
    );
    cleanups.push(() => site.close());
    const run = await readAt(site.server.port, '--di', '00010000', '--timeout', '100', '--retries', '1');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'wattledger meter: meter 000000000042 did not answer a read of 00010000 (2 attempts, 100 ms each)\n',
    );
  });
});

describe('wattledger meter simulate', () => {
  it('serves meters that the read command can read, and stops on Ctrl-C', async () => {
    const child = spawn(
      'node',
      ['bin/wattledger.js', 'meter', 'simulate', '--meters', '2', '--profile', 'load'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const started = Date.now();
    while (!/listening: tcp:\/\/127\.0\.0\.1:(\d+)/.test(stdout)) {
      if (Date.now() - started > 20_000) throw new Error(`simulate did not start: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const port = /listening: tcp:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1];
    expect(stdout).toContain('meters: 000000000001, 000000000002');
    const run = await runCli([
      'meter',
      'read',
      '--tcp',
      `127.0.0.1:${port}`,
      '--address',
      '000000000002',
      '--di',
      '00010000',
    ]);
    expect(JSON.parse(run.stdout).value.text).toBe('20.00 kWh');
    // Asked with wildcards, the reply names the meter that answered.
    const wildcard = await runCli([
      'meter',
      'read',
      '--tcp',
      `127.0.0.1:${port}`,
      '--address',
      'AAAAAAAAAA02',
      '--di',
      '04000401',
    ]);
    expect(JSON.parse(wildcard.stdout)).toMatchObject({
      address: '000000000002',
      value: { text: '000000000002' },
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/stopped after 2 requests \(2 replies, 0 unreadable\)/);
  }, 30_000);
});

describe('wattledger meter --help', () => {
  it.each([
    ['decode', 'Usage: wattledger meter decode HEX'],
    ['read', 'Usage: wattledger meter read (--tcp HOST:PORT | --serial PATH)'],
    ['simulate', 'Usage: wattledger meter simulate [options]'],
  ])('%s --help prints its own usage', async (sub, usage) => {
    const run = await runCli(['meter', sub, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(usage)).toBe(true);
  });
});

describe('the installed bin', () => {
  it('decodes a frame, and refuses a bad one with exit 1 and one line on stderr', async () => {
    const run = (hex: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('node', ['bin/wattledger.js', 'meter', 'decode', hex], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    const [good, bad] = await Promise.all([
      run('6837030092813968D101355D16'),
      run('68 37 03 00 92 81 39 68 D1 01 35 5E 16'),
    ]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ message: 'error-response', address: '398192000337' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('wattledger meter: HEX: checksum is 5EH but the bytes sum to 5DH\n');
  }, 30_000);
});
