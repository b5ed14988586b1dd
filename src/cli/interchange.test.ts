import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from './testing/runCli.ts';

const clearExample = {
  mechanism: 'green-first',
  bids: [
    { participant: 'wind', side: 'sell', green: true, quantity: '0.43', price: '0.730' },
    { participant: 'ev', side: 'buy', green: true, quantity: '0.25', price: '0.756' },
  ],
  wallets: { ev: { balance: '10', margin: '1' } },
};

const settleExample = {
  averagePrice: '0.757',
  parameters: { shortfallFactor: '1.1', surplusFactor: '0.9', rewardRate: '0.01', penaltyRate: '0.05' },
  participants: [{ participant: 'load', side: 'buy', declared: '1.00', awarded: '0.40', actual: '1.10' }],
};

describe('wattledger clear', () => {
  it('gives the documented output for the documented example', async () => {
    const run = await runCli(['clear', tempFile(clearExample)]);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output.trades).toEqual([
      { seller: 'wind', buyer: 'ev', quantity: '0.25', price: '0.743', stage: 'green', amount: '0.18575' },
    ]);
    expect(output.averagePrice).toBe('0.743');
  });

  it('clears the uniform-price mechanism at one price', async () => {
    const bids = [
      { participant: 'a', side: 'sell', green: false, quantity: '1', price: '0.5' },
      { participant: 'b', side: 'buy', green: false, quantity: '1', price: '0.7' },
    ];
    const output = JSON.parse((await runCli(['clear', tempFile({ mechanism: 'uniform', bids })])).stdout);
    expect(output.clearingPrice).toBe('0.6');
    expect(output.trades[0]).toMatchObject({ quantity: '1', price: '0.6', stage: 'uniform' });
  });

  it('prints null for the average price when nothing trades', async () => {
    const bids = [{ participant: 'a', side: 'sell', green: false, quantity: '1', price: '0.9' }];
    const output = JSON.parse((await runCli(['clear', tempFile({ mechanism: 'green-first', bids })])).stdout);
    expect(output).toMatchObject({ trades: [], averagePrice: null });
  });

  it.each([
    [
      { ...clearExample, mechanism: undefined },
      'mechanism: expected "green-first" or "uniform", got nothing (the field is missing)',
    ],
    [{ ...clearExample, mechanism: 'cda' }, 'mechanism: expected "green-first" or "uniform", got "cda"'],
    [{ ...clearExample, bids: undefined }, 'bids: expected a JSON array, got nothing (the field is missing)'],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], quantity: '-0.2' }] },
      'bids[0].quantity: must not be negative, got "-0.2"',
    ],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], side: 'sideways' }] },
      'bids[0].side: expected "sell" or "buy", got "sideways"',
    ],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], price: 0.73 }] },
      'bids[0].price: expected a decimal string such as "0.25", got the JSON number 0.73 (write it as a string)',
    ],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], price: '0.7.3' }] },
      'bids[0].price: "0.7.3" is not a decimal number',
    ],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], quantity: '0.0001' }] },
      'bids[0].quantity: "0.0001" has more than 3 decimal places (the smallest step is 0.001 kWh)',
    ],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], quantity: '0' }] },
      'bids[0].quantity: must be greater than zero',
    ],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], participant: undefined }] },
      'bids[0].participant: expected a non-empty string, got nothing (the field is missing)',
    ],
    [
      { ...clearExample, bids: [{ ...clearExample.bids[0], green: 'yes' }] },
      'bids[0].green: expected true or false, got "yes"',
    ],
    [
      { ...clearExample, wallets: { ev: { balance: 'ten' } } },
      'wallets.ev.balance: "ten" is not a decimal number',
    ],
    [[1, 2], 'input: expected a JSON object, got an array'],
  ])('refuses bad input with one line naming the field (%#)', async (input, message) => {
    const run = await runCli(['clear', tempFile(input)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`wattledger clear: ${message}\n`);
  });

  it('names the file when it is missing or not JSON', async () => {
    expect((await runCli(['clear', '/no/such/file.json'])).stderr).toBe(
      'wattledger clear: /no/such/file.json: no such file\n',
    );
    const broken = tempFile('{"mechanism": ');
    const run = await runCli(['clear', broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^wattledger clear: ${broken}: not valid JSON \\(.+\\)\\n$`));
  });
});

describe('wattledger settle', () => {
  it('gives the documented output for the documented example', async () => {
    const run = await runCli(['settle', tempFile(settleExample)]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).participants[0]).toMatchObject({
      participant: 'load',
      imbalance: { energy: '0.70', amount: '-0.58289' },
      incentive: { reward: '0.00757', penalty: '0.003785', net: '0.003785' },
    });
  });

  it('settles a missing reading by the documented rule', async () => {
    const input = { ...settleExample, participants: [{ ...settleExample.participants[0], actual: null }] };
    const output = JSON.parse((await runCli(['settle', tempFile(input)])).stdout);
    expect(output.participants[0]).toMatchObject({
      imbalance: { amount: '0' },
      incentive: { reward: '0', penalty: '0.03785', net: '-0.03785' },
      readingMissing: true,
    });
  });

  it.each([
    [
      { ...settleExample, averagePrice: undefined },
      'averagePrice: expected a decimal string such as "0.25", got nothing (the field is missing)',
    ],
    [
      { ...settleExample, parameters: { rewardRate: 'x' } },
      'parameters.rewardRate: "x" is not a decimal number',
    ],
    [
      { ...settleExample, participants: [{ ...settleExample.participants[0], actual: undefined }] },
      'participants[0].actual: missing; give the meter reading, or null when none arrived',
    ],
    [
      { ...settleExample, participants: [{ ...settleExample.participants[0], declared: '-1' }] },
      'participants[0].declared: must not be negative, got "-1"',
    ],
    [
      { ...settleExample, participants: [{ ...settleExample.participants[0], side: 'up' }] },
      'participants[0].side: expected "sell" or "buy", got "up"',
    ],
    [
      { ...settleExample, participants: [{ ...settleExample.participants[0], awarded: '2' }] },
      'participants[0].awarded: is more than the declared quantity; a bid never wins more than it offered',
    ],
  ])('refuses bad input with one line naming the field (%#)', async (input, message) => {
    const run = await runCli(['settle', tempFile(input)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`wattledger settle: ${message}\n`);
  });
});

describe('the command line itself', () => {
  it.each(['clear', 'settle', 'start'])('%s --help explains the command', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: wattledger ${command}`));
  });

  it('refuses unknown commands and options, and a missing file argument', async () => {
    expect((await runCli(['trade'])).stderr).toBe(
      'wattledger: unknown command "trade" (run "wattledger --help" for the list)\n',
    );
    expect((await runCli(['clear'])).stderr).toBe(
      'wattledger clear: missing FILE (run "wattledger clear --help")\n',
    );
    const unknown = await runCli(['clear', '--fast', 'x.json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^wattledger clear: Unknown option '--fast'/);
  });

  it('runs as the installed bin (what npx wattledger runs)', async () => {
    const { stdout } = await promisify(execFile)('node_modules/.bin/wattledger', [
      'clear',
      tempFile(clearExample),
    ]);
    expect(JSON.parse(stdout).averagePrice).toBe('0.743');
    const failed = await promisify(execFile)('node_modules/.bin/wattledger', ['settle', tempFile({})]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({
      code: 1,
      stderr:
        'wattledger settle: averagePrice: expected a decimal string such as "0.25", got nothing (the field is missing)\n',
    });
  });
});
