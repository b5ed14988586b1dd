import { describe, expect, it } from 'vitest';
import { NO_PRICE_BOUNDS, priceBoundRefusal, priceWithinBounds } from './priceBounds.ts';

const bounds = { floorPerWh: 300n, capPerWh: 900n };

describe('price bounds', () => {
  it('refuses a price below the floor or above the cap, and accepts the bounds themselves', () => {
    expect(priceBoundRefusal(299n, bounds)).toBe('BidPriceBelowFloor');
    expect(priceBoundRefusal(300n, bounds)).toBeUndefined();
    expect(priceBoundRefusal(900n, bounds)).toBeUndefined();
    expect(priceBoundRefusal(901n, bounds)).toBe('BidPriceAboveCap');
    // A cap of 0 is no cap.
    expect(priceBoundRefusal(10n ** 30n, { floorPerWh: 1n, capPerWh: 0n })).toBeUndefined();
    expect(priceBoundRefusal(1n, NO_PRICE_BOUNDS)).toBeUndefined();
  });

  it('moves a price to the bound it crossed on the side that still trades, and withholds the other', () => {
    expect(priceWithinBounds('sell', 100n, bounds)).toBe(300n);
    expect(priceWithinBounds('sell', 500n, bounds)).toBe(500n);
    expect(priceWithinBounds('sell', 901n, bounds)).toBeUndefined();
    expect(priceWithinBounds('buy', 1_000n, bounds)).toBe(900n);
    expect(priceWithinBounds('buy', 500n, bounds)).toBe(500n);
    expect(priceWithinBounds('buy', 299n, bounds)).toBeUndefined();
    expect(priceWithinBounds('sell', 10n ** 30n, NO_PRICE_BOUNDS)).toBe(10n ** 30n);
  });

  it('always gives a price the bounds accept', () => {
    for (let price = 1n; price < 1_200n; price += 37n)
      for (const side of ['sell', 'buy'] as const) {
        const offered = priceWithinBounds(side, price, bounds);
        if (offered !== undefined) expect(priceBoundRefusal(offered, bounds)).toBeUndefined();
      }
  });
});
