/**
 * The same bids on the centralised ledger and on the chain give the same trades, settlements and
 * balances to the unit, and every participant the same statement, line for line: the two platforms
 * differ in what they can prove, not in what they compute.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walletStatement } from '../chain/periodRecords.ts';
import type { DayResult } from '../simulation/dayRecord.ts';
import { runDay } from '../simulation/dayRunner.ts';
import { onChainMarket } from '../simulation/onChainMarket.ts';
import { loadScenario, withFeeder } from '../simulation/scenario.ts';
import { openCentralMarket } from './centralMarket.ts';

const scenario = withFeeder({ ...loadScenario('scenarios/case-study.json'), seed: 5, periods: 5 }, 40);
const numbers = (day: DayResult) => ({
  periods: day.periods.map(({ transactions: _t, gasUsed: _g, ...rest }) => rest),
  closing: day.closing,
});

describe('centralised ledger = chain', () => {
  it('agrees on trades, settlements, balances and every statement line', async () => {
    const central = openCentralMarket(scenario, join(mkdtempSync(join(tmpdir(), 'central-')), 'l.sqlite'));
    const chain = await onChainMarket(scenario);
    try {
      const offDay = await runDay(scenario, central, 'off-chain');
      const onDay = await runDay(scenario, chain, 'on-chain');
      expect(numbers(offDay)).toEqual(numbers(onDay));
      expect(onDay.periods.reduce((n, p) => n + p.trades.length, 0)).toBeGreaterThan(20);
      const { platform } = chain.platform;
      for (let i = 0; i < scenario.participants.length; i++) {
        const [account] = await platform.read.market.read.participantState([i + 1]);
        const onChain = (await walletStatement(platform, account)).map((l) => ({
          reason: l.reason,
          amount: l.amount,
          period: Number(l.period),
        }));
        const statement = central.statement(i);
        expect(statement.lines.map(({ reason, amount, period }) => ({ reason, amount, period }))).toEqual(
          onChain,
        );
        expect(statement.balance).toBe(await platform.read.token.read.balanceOf([account]));
      }
    } finally {
      await central.close();
      await chain.close();
    }
  }, 120_000);
});
