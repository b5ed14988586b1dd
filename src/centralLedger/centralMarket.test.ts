import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDay } from '../simulation/dayRunner.ts';
import type { DayResult } from '../simulation/dayRecord.ts';
import { offChainMarket } from '../simulation/offChainMarket.ts';
import { loadScenario, withFeeder, type Scenario } from '../simulation/scenario.ts';
import { openCentralMarket, type CentralMarket, type CentralStatement } from './centralMarket.ts';

const caseStudy = loadScenario('scenarios/case-study.json');
const feeder = withFeeder({ ...caseStudy, seed: 11, periods: 12 }, 60);
const freshPath = () => join(mkdtempSync(join(tmpdir(), 'central-ledger-')), 'ledger.sqlite');

const numbers = (day: DayResult) => ({ periods: day.periods, opening: day.opening, closing: day.closing });

async function centralDay(scenario: Scenario): Promise<{ day: DayResult; market: CentralMarket }> {
  const market = openCentralMarket(scenario, freshPath());
  return { day: await runDay(scenario, market, 'off-chain'), market };
}

/** All a participant can check on its own: that the lines it was shown add up to the balance. */
const addsUp = (s: CentralStatement) => s.lines.reduce((sum, l) => sum + l.amount, 0n) === s.balance;

describe('the centralised ledger', () => {
  it('gives the in-memory core market’s day to the unit, from its SQLite tables', async () => {
    const { day, market } = await centralDay(feeder);
    try {
      const reference = await runDay(feeder, offChainMarket(feeder), 'off-chain');
      expect(numbers(day)).toEqual(numbers(reference));
      const all = day.periods.flatMap((p) => p.participants);
      expect(day.periods.reduce((n, p) => n + p.trades.length, 0)).toBeGreaterThan(50);
      expect(all.some((x) => x.actualWh === null)).toBe(true);
      // The tables agree with the day: every statement adds up to its balance, and the trades stored.
      for (let i = 0; i < feeder.participants.length; i++) {
        const statement = market.statement(i);
        expect(addsUp(statement)).toBe(true);
        expect(statement.balance).toBe(day.closing.balances[i]);
      }
      const stored = market.db.prepare('SELECT count(*) AS n FROM trades').get() as { n: number };
      expect(stored.n).toBe(day.periods.reduce((n, p) => n + p.trades.length, 0));
    } finally {
      await market.close();
    }
  });

  it('refuses a bad bid naming the field, and writes nothing', () => {
    const path = freshPath();
    const market = openCentralMarket(feeder, path);
    expect(() => openCentralMarket(feeder, path)).toThrow(
      expect.objectContaining({ code: 'LEDGER_NOT_EMPTY' }) as Error,
    );
    try {
      const count = () => (market.db.prepare('SELECT count(*) AS n FROM bids').get() as { n: number }).n;
      const good = { participant: 3, side: 'buy' as const, quantityWh: 100n, pricePerWh: 10n ** 15n };
      expect(() => market.placeBid(1, { ...good, quantityWh: 0n })).toThrow(/quantityWh: must be greater/);
      expect(() => market.placeBid(1, { ...good, participant: 60 })).toThrow(
        /participant: no participant 60/,
      );
      expect(() => market.placeBid(0, good)).toThrow(/period: must be a whole number/);
      expect(count()).toBe(0);
      expect(market.placeBid(1, good)).toBeUndefined();
      expect(() => market.placeBid(1, good)).toThrow(
        expect.objectContaining({ code: 'BID_ALREADY_PLACED' }) as Error,
      );
      expect(count()).toBe(1);
    } finally {
      void market.close();
    }
  });

  it('lets the operator rewrite a settled trade with nothing the participant holds able to tell', async () => {
    const { day, market } = await centralDay({ ...feeder, periods: 4 });
    try {
      const trade = market.db
        .prepare(`SELECT * FROM movements WHERE reason = 'trade' ORDER BY id LIMIT 1`)
        .get() as { id: number; from_account: string; to_account: string; amount: string };
      const buyer = Number(trade.from_account);
      const held = market.statement(buyer);
      const supply = day.closing.totalSupply;

      // The operator takes 1 % more from the buyer for this trade and credits the seller, in one
      // consistent edit of its own tables: journal line and both balances.
      const extra = BigInt(trade.amount) / 100n;
      const edit = market.db.prepare('UPDATE accounts SET balance = ? WHERE account = ?');
      market.db.transaction(() => {
        market.db
          .prepare('UPDATE movements SET amount = ? WHERE id = ?')
          .run(String(BigInt(trade.amount) + extra), trade.id);
        edit.run(String(market.statement(buyer).balance - extra), trade.from_account);
        const seller = Number(trade.to_account);
        edit.run(String(market.statement(seller).balance + extra), trade.to_account);
      })();

      const shown = market.statement(buyer);
      expect(shown.balance).toBe(held.balance - extra);
      expect(shown.lines.find((l) => l.id === trade.id)!.amount).toBe(-(BigInt(trade.amount) + extra));
      // Everything a participant can check still holds: its lines add up, the market still sums to
      // its supply, and no line carries anything it could verify independently of the operator.
      expect(addsUp(shown)).toBe(true);
      const ledger = await market.ledger();
      expect(ledger.balances.reduce((s, b) => s + b, ledger.grid)).toBe(supply);
      // Its own earlier copy differs, but nothing in it proves which version is true: the copy is
      // as unsigned as the rewrite.
      expect(shown.lines).not.toEqual(held.lines);
      expect(addsUp(held)).toBe(true);
    } finally {
      await market.close();
    }
  });
});
