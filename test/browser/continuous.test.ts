import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { actor, authoriseAndBindMeter, deposit, logIn, signUp, waitMs, type Actor } from './actors.ts';
import { startTestService, type TestService } from './service.ts';

// The continuous market through the web UI: on a deployment whose mechanism is continuous, a seller
// rests an ask in the open period's book, a buyer's crossing bid fills against it at the ask's price,
// both see the fill on their account pages, and the seller cancels what is left of its order.

describe('the continuous market in the browser', () => {
  let service: TestService;
  let browser: Browser;
  let seller: Actor;
  let buyer: Actor;
  let operator: Actor;

  beforeAll(async () => {
    // Real time: the open period's book stays open for minutes while both place their orders.
    service = await startTestService({
      speed: 1,
      market: { mechanism: 'continuous', gateClosureSeconds: 120 },
    });
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
    'places crossing orders from two account pages; the fill shows on both; the rest is cancelled',
    async () => {
      const sellerId = await signUp(seller.page, 'rooftop', 'Rooftop Solar', 'producer');
      const buyerId = await signUp(buyer.page, 'bakery', 'Corner Bakery', 'consumer');
      await logIn(operator.page, service.operator);
      await operator.page.getByTestId('operator-page').waitFor();
      await authoriseAndBindMeter(operator.page, sellerId, '000000000201');
      await authoriseAndBindMeter(operator.page, buyerId, '000000000202');
      await deposit(seller.page, '20', 'FIAT-ROOF-1');
      await deposit(buyer.page, '50', 'FIAT-BAKERY-1');

      // No sealed bids here: the account page has the order form instead.
      await seller.page.goto('/me');
      await seller.page.getByTestId('order-form').waitFor();
      expect(await seller.page.getByTestId('bid-form').count()).toBe(0);
      await expect.poll(() => seller.page.getByTestId('not-authorised').count()).toBe(0);

      // A refused order names its field and places nothing.
      await seller.page.getByTestId('order-quantity').fill('0');
      await seller.page.getByTestId('order-price').fill('0.48');
      await seller.page.getByTestId('order-submit').click();
      await expect.poll(() => seller.page.getByTestId('order-form').innerText()).toContain('quantity');

      await seller.page.getByTestId('order-quantity').fill('0.4');
      await seller.page.getByTestId('order-submit').click();
      await expect
        .poll(() => seller.page.getByTestId('order-result').innerText(), { timeout: waitMs })
        .toContain('0.4 kWh resting');
      const period = Number(await seller.page.getByTestId('order-book').getAttribute('data-period'));
      await expect.poll(() => seller.page.getByTestId('book-asks').innerText()).toContain('0.48');

      await buyer.page.goto('/me');
      await expect.poll(() => buyer.page.getByTestId('not-authorised').count()).toBe(0);
      await expect.poll(() => buyer.page.getByTestId('book-asks').innerText()).toContain('0.48');
      await buyer.page.getByTestId('order-quantity').fill('0.25');
      await buyer.page.getByTestId('order-price').fill('0.6');
      await buyer.page.getByTestId('order-submit').click();
      await expect
        .poll(() => buyer.page.getByTestId('order-result').innerText(), { timeout: waitMs })
        .toContain('0.25 kWh filled');
      expect(Number(await buyer.page.getByTestId('order-book').getAttribute('data-period'))).toBe(period);
      const fills = buyer.page.getByTestId('book-fills');
      await expect.poll(() => fills.innerText()).toContain('Rooftop Solar');
      expect(await fills.innerText()).toContain('0.48');

      // The seller's page shows the fill (live) and what is left of its order, which it cancels.
      await expect
        .poll(() => seller.page.getByTestId('book-fills').innerText(), { timeout: waitMs })
        .toContain('Corner Bakery');
      const own = seller.page.getByTestId('own-orders');
      await expect.poll(() => own.innerText()).toContain('0.15');
      await own.getByTestId('order-cancel').click();
      await expect
        .poll(() => own.getByTestId('order-status').getAttribute('data-status'), { timeout: waitMs })
        .toBe('cancelled');
      await expect.poll(() => seller.page.getByTestId('book-asks').innerText()).not.toContain('0.48');

      // The fill is a trade of the period: its seven steps open from the book.
      await buyer.page.getByTestId('fill-flow-link').click();
      await buyer.page.getByTestId('trade-flow').waitFor({ timeout: waitMs });
      expect(await buyer.page.locator('body').innerText()).toContain('OrderFilled');
    },
    waitMs * 3,
  );
});
