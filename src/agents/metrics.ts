/**
 * The two figures by which CDA strategies are compared: allocative efficiency (the surplus the
 * traders realised over the largest the schedule allows) and Smith's α (the root mean square
 * deviation of trade prices from the equilibrium price, as a percentage of it).
 */

export interface SessionTrade {
  readonly pricePerWh: bigint;
  readonly buyerValue: bigint;
  readonly sellerCost: bigint;
  readonly quantityWh: bigint;
}

/** Realised surplus / maximum surplus (1 = every gain from trade realised). */
export function allocativeEfficiency(trades: readonly SessionTrade[], maxSurplus: bigint): number {
  const realised = trades.reduce((sum, t) => sum + (t.buyerValue - t.sellerCost) * t.quantityWh, 0n);
  return Number(realised) / Number(maxSurplus);
}

/** Smith's α = 100 · σ₀ / P₀, σ₀ = √(mean (p − P₀)²); null without trades. */
export function smithsAlpha(prices: readonly bigint[], equilibriumPerWh: bigint): number | null {
  if (prices.length === 0) return null;
  const p0 = Number(equilibriumPerWh);
  const meanSquare = prices.reduce((sum, p) => sum + (Number(p) - p0) ** 2, 0) / prices.length;
  return (100 * Math.sqrt(meanSquare)) / p0;
}
