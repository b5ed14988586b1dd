/**
 * The market mechanisms a deployment may run: "periodic", the sealed-bid green-first double auction
 * cleared once per delivery period (`greenFirstAuction.ts`), or "continuous", an order book per
 * delivery period that matches as orders arrive (`continuousAuction.ts`). Both settle each
 * participant's position against its meter reading by the same rules (`settlement.ts`).
 */
export const MARKET_MECHANISMS = ['periodic', 'continuous'] as const;
export type MarketMechanism = (typeof MARKET_MECHANISMS)[number];
