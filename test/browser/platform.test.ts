import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import {
  actor,
  authoriseAndBindMeter,
  deposit,
  logIn,
  participantOf,
  signUp,
  waitMs,
  type Actor,
} from './actors.ts';
import { startTestService, type TestService } from './service.ts';

// The whole platform through the web UI, in a real browser, against the real server and chain:
// two participants sign up, the operator authorises them and binds their meters, they deposit and
// bid, the period clears and settles, and every page shows it, in English and in Chinese. Meanwhile
// no page shown to anyone else may show a bid that is still sealed.

/** Distinctive figures, so that finding them in a page's text can only mean the bid leaked. */
const sellerBid = { quantity: '3.217', price: '0.4817' };
const buyerBid = { quantity: '2.593', price: '0.6523' };
/** floor((ask + bid) / 2): the mid-price of the one trade. */
const tradePrice = '0.567';

/** The operator funds the subsidy pool, offers a first-use bonus and issues this year's coupons. */
async function setUpSubsidies(page: Page): Promise<void> {
  await page.goto('/operator');
  const panel = page.getByTestId('subsidy-panel');
  await panel.getByTestId('subsidy-fund-amount').fill('20');
  await panel.getByTestId('subsidy-fund-reference').fill('GRANT-2026-01');
  await panel.getByTestId('subsidy-fund-submit').click();
  await expect.poll(() => panel.getByTestId('subsidy-balance').innerText(), { timeout: waitMs }).toBe('20');
  await panel.getByTestId('subsidy-bonus-amount').fill('0.25');
  await panel.getByTestId('subsidy-bonus-submit').click();
  await expect.poll(() => panel.getByTestId('subsidy-bonus').innerText(), { timeout: waitMs }).toBe('0.25');
  // A refused entry names its field and issues nothing.
  await panel.getByTestId('subsidy-coupons-value').fill('a lot');
  await panel.getByTestId('subsidy-coupons-expiry').fill('100000');
  await panel.getByTestId('subsidy-coupons-submit').click();
  await expect.poll(() => panel.getByTestId('subsidy-coupons-form').innerText()).toContain('value');
  await panel.getByTestId('subsidy-coupons-value').fill('0.1');
  await panel.getByTestId('subsidy-coupons-submit').click();
  await expect
    .poll(() => panel.getByTestId('coupon-programmes-table').innerText(), { timeout: waitMs })
    .toContain('100000');
}

/** The operator publishes a maintenance window for the seller's unit, then cancels it. */
async function publishAndCancelMaintenance(page: Page, unitId: number): Promise<void> {
  await page.goto('/operator');
  const panel = page.getByTestId('maintenance-panel');
  const { earliestPeriod } = (await (await page.request.get('/api/maintenance')).json()) as {
    earliestPeriod: number;
  };
  await panel.getByTestId('maintenance-unit').selectOption(String(unitId));
  await panel.getByTestId('maintenance-fromPeriod').fill(String(earliestPeriod + 50));
  await panel.getByTestId('maintenance-toPeriod').fill(String(earliestPeriod + 49));
  await panel.getByTestId('maintenance-workOrder').fill('WO-BROWSER-1');
  await panel.getByTestId('maintenance-submit').click();
  // The window ends before it starts: refused, naming the field, nothing published.
  await expect.poll(() => panel.getByTestId('maintenance-form').innerText()).toContain('toPeriod');
  await panel.getByTestId('maintenance-toPeriod').fill(String(earliestPeriod + 52));
  await panel.getByTestId('maintenance-submit').click();
  await expect
    .poll(() => panel.getByTestId('maintenance-table').innerText(), { timeout: waitMs })
    .toContain('WO-BROWSER-1');
  await panel.getByTestId('maintenance-cancel-1').click();
  await expect
    .poll(() => panel.getByTestId('maintenance-table').innerText(), { timeout: waitMs })
    .toContain('cancelled');
}

/**
 * Large-user direct purchase: the operator marks the buyer a large user, the seller registers a
 * forward offer far ahead (clear of the periods bid in below), the operator issues it and the buyer
 * buys part of it; a refused entry names its field.
 */
async function tradeForwardRights(operator: Page, seller: Page, buyer: Page, buyerId: number): Promise<void> {
  await operator.goto('/operator');
  const operatorPanel = operator.getByTestId('forward-panel');
  await operatorPanel.getByTestId('forward-large-user-participantId').fill(String(buyerId));
  await operatorPanel.getByTestId('forward-large-user').getByRole('button').click();
  await expect
    .poll(
      async () =>
        (
          (await (await operator.request.get(`/api/forward/participants/${buyerId}`)).json()) as {
            largeUser: boolean;
          }
        ).largeUser,
      { timeout: waitMs },
    )
    .toBe(true);
  const { earliestPeriod } = (await (await seller.request.get('/api/forward')).json()) as {
    earliestPeriod: number;
  };
  await seller.goto('/me');
  const sellerPanel = seller.getByTestId('forward-panel');
  for (const [field, value] of [
    ['firstPeriod', earliestPeriod + 80],
    ['lastPeriod', earliestPeriod + 80],
    ['energy', '0.7'],
    ['price', '0.43'],
  ] as const)
    await sellerPanel.getByTestId(`forward-register-${field}`).fill(String(value));
  await sellerPanel.getByTestId('forward-register').getByRole('button').click();
  await expect
    .poll(() => sellerPanel.getByTestId('forward-offers-table').innerText(), { timeout: waitMs })
    .toContain('0.43');
  await operator.goto('/operator');
  await operatorPanel.getByTestId('forward-issue-1').click();
  await expect
    .poll(() => operatorPanel.getByTestId('forward-offers-table').innerText(), { timeout: waitMs })
    .toContain('issued');
  await buyer.goto('/me');
  const buyerPanel = buyer.getByTestId('forward-panel');
  await buyerPanel.getByTestId('forward-buy-offerId').fill('1');
  await buyerPanel.getByTestId('forward-buy-energy').fill('lots');
  await buyerPanel.getByTestId('forward-buy').getByRole('button').click();
  await expect.poll(() => buyerPanel.getByTestId('forward-buy').innerText()).toContain('energy');
  await buyerPanel.getByTestId('forward-buy-energy').fill('0.2');
  await buyerPanel.getByTestId('forward-buy').getByRole('button').click();
  await expect
    .poll(
      async () =>
        ((await (await buyer.request.get('/api/forward')).json()) as { offers: { sold: string }[] })
          .offers[0]!.sold,
      { timeout: waitMs },
    )
    .toBe('0.2');
}

/**
 * The operator records a voltage level (a refused entry names its field) and the seller's connection;
 * with no rate above zero no fee is configured, so the period below trades as before. Then it hangs
 * the seller's feeder on a transformer and limits the feeder (a refused limit names its field) far
 * above the period's one trade, which is therefore not cut.
 */
async function setUpGridConnections(page: Page, unitId: number): Promise<void> {
  await page.goto('/operator');
  const panel = page.getByTestId('grid-panel');
  await panel.getByTestId('grid-nominalVolts').fill('10000');
  await panel.getByTestId('grid-transmission').fill('cheap');
  await panel.getByTestId('grid-sameLevelFee').fill('0');
  await panel.getByTestId('grid-level-submit').click();
  await expect.poll(() => panel.getByTestId('grid-level-form').innerText()).toContain('transmission');
  await panel.getByTestId('grid-transmission').fill('0');
  await panel.getByTestId('grid-level-submit').click();
  await expect
    .poll(() => panel.getByTestId('grid-levels-table').innerText(), { timeout: waitMs })
    .toContain('10000');
  await panel.getByTestId('grid-participant').selectOption(String(unitId));
  await panel.getByTestId('grid-feeder').fill('7');
  await panel.getByTestId('grid-connection-submit').click();
  await expect
    .poll(() => panel.getByTestId('grid-connections-table').innerText(), { timeout: waitMs })
    .toContain('Wind Farm Test');
  expect(await panel.getByTestId('grid-status').innerText()).toContain('No fee is configured');

  // Grid security: the unit's feeder on a transformer, and a limit far above the period's trade.
  const capacity = page.getByTestId('capacity-panel');
  expect(await capacity.getByTestId('capacity-status').innerText()).toContain('No limit is set');
  await capacity.getByTestId('capacity-hang-feeder').fill('7');
  await capacity.getByTestId('capacity-hang-transformer').fill('2');
  await capacity.getByTestId('capacity-hang-submit').click();
  await expect
    .poll(() => capacity.getByTestId('capacity-table').innerText(), { timeout: waitMs })
    .toContain('transformer');
  await capacity.getByTestId('capacity-id').fill('7');
  await capacity.getByTestId('capacity-limit').fill('plenty');
  await capacity.getByTestId('capacity-limit-submit').click();
  await expect.poll(() => capacity.getByTestId('capacity-limit-form').innerText()).toContain('capacity');
  await capacity.getByTestId('capacity-limit').fill('1000');
  await capacity.getByTestId('capacity-limit-submit').click();
  await expect
    .poll(() => capacity.getByTestId('capacity-status').innerText(), { timeout: waitMs })
    .toContain('Limits apply');
  expect(await capacity.getByTestId('capacity-table').innerText()).toContain('1000');
}

/** Places a bid from the account page and returns the period it went into. */
async function bid(page: Page, side: 'sell' | 'buy', quantity: string, price: string): Promise<number> {
  await page.goto('/me');
  await expect.poll(() => page.getByTestId('not-authorised').count()).toBe(0);
  await page.getByTestId('bid-side').selectOption(side);
  await page.getByTestId('bid-quantity').fill(quantity);
  await page.getByTestId('bid-price').fill(price);
  await page.getByTestId('bid-submit').click();
  await page.getByTestId('bid-result').waitFor({ timeout: waitMs });
  const bids = (await (
    await page.request.get('/api/bids?participant=' + (await participantOf(page)))
  ).json()) as {
    bids: { period: number; quantity: string }[];
  };
  const placed = bids.bids.find((one) => one.quantity.startsWith(quantity));
  expect(placed).toBeDefined();
  return placed!.period;
}

/** Reloads `path` until the element `testId` holds `text`. */
async function waitForText(page: Page, path: string, testId: string, text: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.goto(path);
        const element = page.getByTestId(testId);
        await element.waitFor({ timeout: 10_000 }).catch(() => undefined);
        return (await element.count()) > 0 ? await element.innerText() : '';
      },
      { timeout: waitMs, interval: 2000 },
    )
    .toContain(text);
}

async function phaseOf(page: Page, period: number): Promise<string> {
  const detail = (await (await page.request.get(`/api/periods/${period}`)).json()) as { phase: string };
  return detail.phase;
}

describe('platform in the browser', () => {
  let service: TestService;
  let browser: Browser;
  let seller: Actor;
  let buyer: Actor;
  let operator: Actor;

  beforeAll(async () => {
    // The clock crawls while people sign up and the sealed bids are looked for, then runs to settle.
    service = await startTestService({ speed: 2 });
    browser = await launchBrowser();
    seller = await actor(browser, service.baseUrl);
    buyer = await actor(browser, service.baseUrl);
    operator = await actor(browser, service.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it(
    'registers, authorises, deposits, bids, clears and settles a period, shown in English and Chinese, with sealed bids kept sealed',
    async () => {
      const sellerId = await signUp(seller.page, 'windfarm', 'Wind Farm Test', 'producer');
      const buyerId = await signUp(buyer.page, 'evcharger', 'EV Charger Test', 'consumer');

      await logIn(operator.page, service.operator);
      await operator.page.getByTestId('operator-page').waitFor();
      await authoriseAndBindMeter(operator.page, sellerId, '000000000101');
      await authoriseAndBindMeter(operator.page, buyerId, '000000000102');
      await setUpSubsidies(operator.page);
      await publishAndCancelMaintenance(operator.page, sellerId);
      await setUpGridConnections(operator.page, sellerId);

      await deposit(seller.page, '50', 'FIAT-SELLER-1');
      await deposit(buyer.page, '100', 'FIAT-BUYER-1');
      await expect.poll(() => buyer.page.getByTestId('wallet-balance').innerText()).toContain('100');
      await tradeForwardRights(operator.page, seller.page, buyer.page, buyerId);

      const period = await bid(seller.page, 'sell', sellerBid.quantity, sellerBid.price);
      expect(await bid(buyer.page, 'buy', buyerBid.quantity, buyerBid.price)).toBe(period);

      // Sealed: before bidding closes, no page shown to the buyer or the operator has the seller's
      // figures, and no page shown to the seller has the buyer's.
      const looks: [Page, string, string[]][] = [
        [buyer.page, '/market', [sellerBid.quantity, sellerBid.price]],
        [buyer.page, `/market?period=${period}`, [sellerBid.quantity, sellerBid.price]],
        [buyer.page, '/charts', [sellerBid.quantity, sellerBid.price]],
        [buyer.page, '/explorer', [sellerBid.quantity, sellerBid.price]],
        [
          operator.page,
          '/operator',
          [sellerBid.quantity, sellerBid.price, buyerBid.quantity, buyerBid.price],
        ],
        [operator.page, `/participants/${sellerId}`, [sellerBid.quantity, sellerBid.price]],
        [operator.page, `/charts?participant=${sellerId}`, [sellerBid.quantity, sellerBid.price]],
        [operator.page, `/market?period=${period}`, [sellerBid.quantity, sellerBid.price]],
        [seller.page, `/market?period=${period}`, [buyerBid.quantity, buyerBid.price]],
      ];
      for (const [page, path, secrets] of looks) {
        await page.goto(path);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        const text = await page.locator('body').innerText();
        for (const secret of secrets)
          expect(text, `${path} shows a sealed figure ${secret}`).not.toContain(secret);
      }
      // The commit transactions are public: their decoded events must hold only the commitment.
      const sellerBids = (await (
        await seller.page.request.get(`/api/bids?participant=${sellerId}`)
      ).json()) as {
        bids: { period: number; commit: { transactionHash: string } | null }[];
      };
      const commit = sellerBids.bids.find((one) => one.period === period)?.commit;
      if (commit) {
        await buyer.page.goto(`/explorer/tx/${commit.transactionHash}`);
        await buyer.page.getByTestId('transaction-view').waitFor();
        const text = await buyer.page.locator('body').innerText();
        expect(text).not.toContain(sellerBid.price);
      }
      // The check above means something only if bidding was still open throughout.
      expect(['upcoming', 'commit', 'reveal']).toContain(await phaseOf(buyer.page, period));

      service.setSpeed(40);
      // Cleared: the trade at the mid-price, on the market page of anyone.
      await waitForText(buyer.page, `/market?period=${period}`, 'trades-table', 'Wind Farm Test').catch(
        async (error: unknown) => {
          // Say why no trade came: what became of the two bids, and where the period stands.
          const state = async (path: string) =>
            JSON.stringify(await (await buyer.page.request.get(path)).json());
          throw new Error(
            `${(error as Error).message}\nseller's bids: ${await state(`/api/bids?participant=${sellerId}`)}` +
              `\nbuyer's bids: ${await state(`/api/bids?participant=${buyerId}`)}` +
              `\nperiod: ${await state(`/api/periods/${period}`)}`,
          );
        },
      );
      const trades = await buyer.page.getByTestId('trades-table').innerText();
      expect(trades).toContain(buyerBid.quantity);
      expect(trades).toContain(tradePrice);
      expect(await buyer.page.getByTestId('average-price').innerText()).toBe(tradePrice);
      await buyer.page.getByTestId('curves-chart').waitFor();

      // Settled: both settlements on the period, and the trade in each statement.
      await waitForText(
        buyer.page,
        `/market?period=${period}`,
        'period-settlements-table',
        'EV Charger Test',
      );
      expect(await buyer.page.getByTestId('period-settlements-table').innerText()).toContain(
        'Wind Farm Test',
      );
      await waitForText(seller.page, '/me', 'statement-table', 'trade');
      await waitForText(seller.page, '/me', 'my-settlements-table', String(period));
      // Its reputation, off in this market: a newcomer's start value, the base margin.
      expect(await seller.page.getByTestId('reputation-score').innerText()).toContain('0.9');
      expect(await seller.page.getByTestId('reputation').innerText()).toContain('Reputation is off');
      await waitForText(operator.page, '/operator', 'reputations-table', 'Wind Farm Test');
      await waitForText(buyer.page, '/me', 'statement-table', 'trade');
      // Subsidised: the buyer's first-use bonus and its coupon, redeemed on this purchase.
      await waitForText(buyer.page, '/me', 'coupons-table', 'redeemed');
      expect(await buyer.page.getByTestId('first-use').getAttribute('data-paid')).toBe('true');
      expect(await buyer.page.getByTestId('statement-table').innerText()).toContain('subsidy');
      expect(await buyer.page.getByTestId('subsidy-payments-table').innerText()).toContain('0.25');

      // 中文: the same records under Chinese labels; the choice survives a reload.
      await seller.page.getByTestId('lang-switch').selectOption('zh');
      expect(await seller.page.locator('html').getAttribute('lang')).toBe('zh-CN');
      await seller.page.reload();
      await seller.page.getByTestId('statement-table').waitFor();
      expect(await seller.page.getByTestId('statement-table').innerText()).toContain('交易');
      expect(await seller.page.getByTestId('bids-table').innerText()).toContain('已揭示');
      expect(await seller.page.getByTestId('reputation').innerText()).toContain('信誉分');
      await seller.page.goto(`/market?period=${period}`);
      await seller.page.getByTestId('trades-table').waitFor();
      const zhTrades = await seller.page.getByTestId('trades-table').innerText();
      expect(zhTrades).toContain('卖方');
      expect(zhTrades).toContain(tradePrice);
      await seller.page.getByTestId('lang-switch').selectOption('en');
      expect(await seller.page.getByTestId('trades-table').innerText()).toContain('Seller');

      // The trade's seven steps, from its row: each one done, with the transactions that recorded it.
      const [trade] = (
        (await (await seller.page.request.get(`/api/periods/${period}`)).json()) as {
          trades: { transactionHash: string; logIndex: number }[];
        }
      ).trades;
      await seller.page.getByTestId('trade-flow-link').first().click();
      await seller.page.getByTestId('trade-flow-page').waitFor();
      expect(new URL(seller.page.url()).pathname).toBe(
        `/trades/${trade!.transactionHash}/${trade!.logIndex}`,
      );
      const steps = seller.page.locator('li[data-step]');
      await expect.poll(() => steps.count()).toBe(7);
      expect(await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-step')))).toEqual(
        ['registration', 'publication', 'matching', 'contract', 'delivery', 'metering', 'settlement'],
      );
      for (let n = 1; n <= 7; n++) {
        const step = seller.page.getByTestId(`flow-step-${n}`);
        expect(await step.getAttribute('data-status'), `step ${n}`).toBe('done');
        const hashes = await step
          .getByTestId('tx-link')
          .evaluateAll((links) => links.map((link) => link.getAttribute('title')));
        expect(hashes.length, `step ${n} has transactions`).toBeGreaterThan(0);
        for (const hash of hashes) expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
      }
      // Both parties' meter readings, and the match's own transaction.
      expect(
        await seller.page
          .getByTestId('flow-step-6')
          .locator('[data-event="ReadingRecorded"][data-status="recorded"]')
          .count(),
      ).toBe(2);
      const matched = seller.page.getByTestId('flow-step-3').getByTestId('tx-link');
      expect(await matched.getAttribute('title')).toBe(trade!.transactionHash);
      await seller.page.getByTestId('lang-switch').selectOption('zh');
      expect(await seller.page.getByTestId('trade-flow').innerText()).toContain('撮合');
      await seller.page.getByTestId('lang-switch').selectOption('en');
      await matched.click();
      await seller.page.getByTestId('transaction-view').waitFor();
      await expect.poll(() => seller.page.getByTestId('events-table').innerText()).toContain('TradeMatched');
      // The seller's own statement links its trade's payment to the same flow.
      await seller.page.goto('/me');
      await seller.page.getByTestId('statement-table').getByTestId('trade-flow-link').first().click();
      await seller.page.getByTestId('trade-flow-page').waitFor();
      expect(new URL(seller.page.url()).pathname).toBe(
        `/trades/${trade!.transactionHash}/${trade!.logIndex}`,
      );
      // The operator turns on uniform pricing and a price cap on the operator page; a bid above the
      // cap is refused on the bid form, naming the price.
      await operator.page.goto('/operator');
      await operator.page.getByTestId('param-pricing').selectOption('uniform');
      await operator.page.getByTestId('param-priceCap').fill('2');
      await operator.page.getByTestId('parameters-submit').click();
      await operator.page.getByTestId('parameters-result').waitFor({ timeout: waitMs });
      const parameters = (await (await operator.page.request.get('/api/parameters')).json()) as {
        pricing: string;
        priceCap: string | null;
      };
      expect([parameters.pricing, parameters.priceCap]).toEqual(['uniform', '2']);
      await seller.page.goto('/me');
      await seller.page.getByTestId('bid-side').selectOption('sell');
      await seller.page.getByTestId('bid-quantity').fill('0.1');
      await seller.page.getByTestId('bid-price').fill('2.5');
      await seller.page.getByTestId('bid-submit').click();
      await expect
        .poll(() => seller.page.getByTestId('error-price').textContent(), { timeout: waitMs })
        .toContain('price cap');
    },
    waitMs * 4,
  );
});
