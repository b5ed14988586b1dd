export type Stage = 'green' | 'all' | 'uniform';

export interface Trade {
  readonly seller: string;
  readonly buyer: string;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** quantityWh × pricePerWh, paid by the buyer to the seller. */
  readonly amount: bigint;
  readonly stage: Stage;
  /** quantityWh × the wheeling fee per Wh, paid by the buyer to the grid (present when fees are charged). */
  readonly wheelingFee?: bigint;
  /** quantityWh × the levy per Wh, paid by the buyer to the grid (present when fees are charged). */
  readonly levy?: bigint;
}

/** A period's market average price A_i = Σ Q·G / Σ Q, kept as an exact fraction. */
export interface AveragePrice {
  /** Σ quantity × price over the trades, in base units. */
  readonly value: bigint;
  /** Σ quantity over the trades, in Wh. */
  readonly quantityWh: bigint;
}

/** The volume-weighted average price of the trades, or null when nothing traded. */
export function averagePriceOf(trades: readonly Pick<Trade, 'amount' | 'quantityWh'>[]): AveragePrice | null {
  let value = 0n;
  let quantityWh = 0n;
  for (const trade of trades) {
    value += trade.amount;
    quantityWh += trade.quantityWh;
  }
  return quantityWh === 0n ? null : { value, quantityWh };
}

/** A_i in base units per kWh, rounded half up: for display only, never for paying. */
export function averagePricePerKwh(price: AveragePrice): bigint {
  const numerator = price.value * 1000n;
  return (2n * numerator + price.quantityWh) / (2n * price.quantityWh);
}
