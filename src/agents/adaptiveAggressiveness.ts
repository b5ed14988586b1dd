/**
 * AA, adaptive aggressiveness (Vytelingum, Cliff and Jennings 2008). The trader estimates the
 * competitive equilibrium price p* as a weighted moving average of recent transaction prices and
 * quotes toward a target price τ(r, θ) set by its aggressiveness r ∈ [−1, 1] (−1: keeps the largest
 * margin, 1: trades at its limit) and the curve's shape θ:
 * - short-term learning: after each shout, r moves (rate β1) toward the aggressiveness whose target
 *   is a little beyond the shout's price (λr relative, λa absolute), more aggressive when its target
 *   would have missed the trade, less when it would have given away too much;
 * - long-term learning: θ moves (rate β2) toward θ* = (θmax − θmin)(1 − ᾱ·e^{γ(ᾱ − 1)}) + θmin,
 *   where ᾱ is Smith's α of recent transactions normalised by the range seen so far: a volatile
 *   market (high α) flattens the curve, a converged one sharpens it.
 * Target prices follow the paper's formulas for intra-marginal (limit beyond p*) and extra-marginal
 * traders, with f(r) = (e^{rθ} − 1)/(e^{θ} − 1) one curve for both signs of r. The bidding layer
 * improves on the outstanding quote by 1/η of the distance to the target, or accepts the other
 * side's quote once it is within the target. Before the first trade it closes in on the other side's
 * quote stretched by λ (as the OpEx/BSE implementations do), so that two AA traders' quotes can meet.
 */
import type { MarketEvent, MarketView, PriceBounds, Trader, TraderSpec } from './trader.ts';

export const AA_PARAMETERS = {
  lambdaRelative: 0.05,
  lambdaAbsolute: 0.005,
  beta1: 0.5,
  beta2: 0.5,
  gamma: 2,
  eta: 3,
  thetaMin: -8,
  thetaMax: 2,
  /** Transactions in the moving average of p*, weights ρ^age. */
  window: 30,
  rho: 0.9,
};

/** f(r) = (e^{rθ} − 1)/(e^{θ} − 1) for r ∈ [0, 1]; r itself where θ ≈ 0. */
export function curve(r: number, theta: number): number {
  if (Math.abs(theta) < 1e-9) return r;
  return Math.expm1(r * theta) / Math.expm1(theta);
}

/** The target price of a trader with limit `limit` at aggressiveness r, from the paper's formulas. */
export function targetPrice(
  side: 'buy' | 'sell',
  limit: number,
  equilibrium: number,
  r: number,
  theta: number,
  bounds: PriceBounds,
): number {
  const f = curve(Math.abs(r), theta);
  if (side === 'buy') {
    if (limit > equilibrium) return r >= 0 ? equilibrium + (limit - equilibrium) * f : equilibrium * (1 - f);
    return r >= 0 ? limit : limit * (1 - f);
  }
  if (limit < equilibrium)
    return r >= 0 ? equilibrium - (equilibrium - limit) * f : equilibrium + (bounds.max - equilibrium) * f;
  return r >= 0 ? limit : limit + (bounds.max - limit) * f;
}

/** The aggressiveness whose target is `price` (bisection: τ rises with r for a buyer, falls for a seller). */
export function aggressivenessFor(
  side: 'buy' | 'sell',
  price: number,
  limit: number,
  equilibrium: number,
  theta: number,
  bounds: PriceBounds,
): number {
  let low = -1;
  let high = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (low + high) / 2;
    const tau = targetPrice(side, limit, equilibrium, mid, theta, bounds);
    const tooAggressive = side === 'buy' ? tau > price : tau < price;
    if (tooAggressive) high = mid;
    else low = mid;
  }
  return (low + high) / 2;
}

export function adaptiveAggressivenessTrader({ side, limit, bounds, random }: TraderSpec): Trader {
  const P = AA_PARAMETERS;
  const buy = side === 'buy';
  let r = random.uniform(-0.3, 0.3);
  let theta = random.uniform(-3, -1);
  const prices: number[] = [];
  let alphaMin = Infinity;
  let alphaMax = 0;

  const equilibrium = (): number | null => {
    if (prices.length === 0) return null;
    let weighted = 0;
    let weights = 0;
    prices.forEach((p, i) => {
      const w = P.rho ** (prices.length - 1 - i);
      weighted += w * p;
      weights += w;
    });
    return weighted / weights;
  };
  const target = (eq: number) => targetPrice(side, limit, eq, r, theta, bounds);

  const learnTheta = (eq: number) => {
    const alpha = Math.sqrt(prices.reduce((s, p) => s + (p - eq) ** 2, 0) / prices.length) / eq;
    alphaMin = Math.min(alphaMin, alpha);
    alphaMax = Math.max(alphaMax, alpha);
    const normalised = alphaMax > alphaMin ? (alpha - alphaMin) / (alphaMax - alphaMin) : 0.5;
    const thetaStar =
      (P.thetaMax - P.thetaMin) * (1 - normalised * Math.exp(P.gamma * (normalised - 1))) + P.thetaMin;
    theta += P.beta2 * (thetaStar - theta);
  };

  const learnR = (eq: number, event: MarketEvent) => {
    const tau = target(eq);
    const q = event.price;
    const { lambdaRelative: lr, lambdaAbsolute: la } = P;
    let desired: number | null = null;
    if (buy) {
      if (event.traded) desired = tau >= q ? (1 - lr) * q - la : (1 + lr) * q + la;
      else if (event.side === 'buy' && tau <= q) desired = (1 + lr) * q + la;
    } else {
      if (event.traded) desired = tau <= q ? (1 + lr) * q + la : (1 - lr) * q - la;
      else if (event.side === 'sell' && tau >= q) desired = (1 - lr) * q - la;
    }
    if (desired === null) return;
    r += P.beta1 * (aggressivenessFor(side, desired, limit, eq, theta, bounds) - r);
  };

  return {
    side,
    limit,
    active: true,
    quote(view: MarketView) {
      const { lambdaRelative: lr, lambdaAbsolute: la } = P;
      const outBid = view.bestBid ?? bounds.min;
      const outAsk = view.bestAsk ?? bounds.max;
      const eq = equilibrium();
      if (buy) {
        if (limit <= outBid) return null;
        // No trade seen yet: close in on the ask (a little beyond it, so that quotes can meet).
        if (eq === null) return outBid + (Math.min(limit, (1 + lr) * outAsk + la) - outBid) / P.eta;
        const tau = target(eq);
        if (outAsk <= tau) return outAsk;
        return Math.min(limit, outBid + (tau - outBid) / P.eta);
      }
      if (limit >= outAsk) return null;
      if (eq === null) return outAsk - (outAsk - Math.max(limit, (1 - lr) * outBid - la)) / P.eta;
      const tau = target(eq);
      if (outBid >= tau) return outBid;
      return Math.max(limit, outAsk - (outAsk - tau) / P.eta);
    },
    observe(event: MarketEvent) {
      if (event.traded) {
        prices.push(event.price);
        if (prices.length > P.window) prices.shift();
      }
      const eq = equilibrium();
      if (eq === null) return;
      learnR(eq, event);
      if (event.traded) learnTheta(eq);
    },
  };
}
