/** Off-chain clearing time of the pure market core at 10^4, 10^5 and 10^6 bids. */
import type { Bid } from '../src/core/bid.ts';
import { clearGreenFirst } from '../src/core/greenFirstAuction.ts';
import { clearUniformPrice } from '../src/core/uniformPriceAuction.ts';
import { format, table } from './fixtures.ts';

function generatedBids(count: number): Bid[] {
  // A deterministic linear congruential sequence: the same bids on every run.
  let x = 2_019n;
  const next = () => (x = (x * 6_364_136_223_846_793_005n + 1_442_695_040_888_963_407n) % 2n ** 64n);
  return Array.from({ length: count }, (_, i) => {
    const r = next();
    const sell = (r >> 40n) % 2n === 0n;
    return {
      participant: `p${i}`,
      side: sell ? 'sell' : 'buy',
      green: (r >> 8n) % 3n === 0n,
      quantityWh: 100n + ((r >> 16n) % 5_000n),
      pricePerWh: (sell ? 550n : 620n) * 10n ** 12n + ((r >> 32n) % 200n) * 10n ** 12n,
      rank: next(),
    };
  });
}

export async function coreClearing(sizes: readonly number[], log: (line: string) => void) {
  log(`\nOff-chain market core clearing time`);
  const rows = [];
  for (const size of sizes) {
    const bids = generatedBids(size);
    const time = (run: () => unknown) => {
      const started = process.hrtime.bigint();
      const result = run();
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
    };
    const green = time(() => clearGreenFirst({ bids }));
    const uniform = time(() => clearUniformPrice({ bids }));
    rows.push({
      bids: size,
      greenFirstMs: green.ms,
      greenFirstTrades: (green.result as ReturnType<typeof clearGreenFirst>).trades.length,
      uniformMs: uniform.ms,
    });
  }
  log(
    table(
      ['bids', 'green-first ms', 'trades', 'uniform price ms', 'bids per second (green-first)'],
      rows.map((r) => [
        format(r.bids),
        r.greenFirstMs.toFixed(0),
        format(r.greenFirstTrades),
        r.uniformMs.toFixed(0),
        format(Math.round((r.bids / r.greenFirstMs) * 1000)),
      ]),
    ),
  );
  return rows;
}
