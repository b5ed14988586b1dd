// The JSON shapes of docs/api.md, as the browser receives them. Amounts are decimal strings and stay
// strings: the UI displays them, it never does arithmetic on money.

export type Decimal = string;
export type Hash = string;

export type Role = 'operator' | 'participant';
export type Kind = 'producer' | 'consumer' | 'prosumer';
export type Side = 'sell' | 'buy';
export type Phase = 'upcoming' | 'commit' | 'reveal' | 'clearing' | 'delivery' | 'reading' | 'settlement';
export type Stage = 'bidding' | 'green' | 'all' | 'cleared';
/** A trade's stage: the sealed-bid market's queue, or a fill of the continuous market. */
export type TradeStage = 'green' | 'all' | 'continuous';
export type BidStatus = 'scheduled' | 'committed' | 'revealed' | 'refused' | 'expired';
export type Reason =
  | 'deposit'
  | 'withdrawal'
  | 'trade'
  | 'imbalance'
  | 'incentive'
  | 'debt-repayment'
  | 'subsidy'
  | 'wheeling-fee'
  | 'levy'
  | 'region-fee';

export interface OnChain {
  transactionHash: Hash;
  blockNumber: number;
}

export interface User {
  username: string;
  role: Role;
  participantId: number | null;
}

export interface Participant extends OnChain {
  id: number;
  name: string;
  kind: Kind;
  greenSupply: boolean;
  greenPreference: boolean;
  authorised: boolean;
  account: string;
  meter: { address: string; number: string } | null;
}

export interface Wallet {
  account: string;
  balance: Decimal;
  debt: Decimal;
  withdrawable: Decimal;
  margin: Decimal;
}

export interface StatementLine extends OnChain {
  reason: Reason;
  amount: Decimal;
  /** The other side's account (the market, the grid, another participant); empty for deposits. */
  counterparty: string | null;
  /** 0 or null for movements that belong to no period (deposits, withdrawals). */
  period: number | null;
  logIndex: number;
  time: number;
  /** A trade's payment names its trade (its TradeMatched event). */
  trade: { transactionHash: string; logIndex: number } | null;
}

export interface Statement {
  lines: StatementLine[];
  /** The balance before the first line; the lines added up by reason; opening + lines = closing. */
  opening: Decimal;
  totals: Partial<Record<Reason, Decimal>>;
  closing: Decimal;
  balance: Decimal;
}

export interface MoneyMoved extends OnChain {
  balance: Decimal;
}

export interface Bid {
  participant: number;
  period: number;
  side: Side;
  quantity: Decimal;
  price: Decimal;
  status: BidStatus;
  commitment: Hash | null;
  commit: OnChain | null;
  reveal: OnChain | null;
  error: string | null;
}

export interface Windows {
  commitOpens: number;
  commitCloses: number;
  revealCloses: number;
  deliveryStarts: number;
  deliveryEnds: number;
  readingDeadline: number;
}

export interface Parameters {
  /** How participants trade: sealed bids cleared per period, or the continuous order book. */
  mechanism: 'periodic' | 'continuous';
  /** The continuous market's own settings; null on a periodic deployment. */
  continuous: { contract: string; gateClosureSeconds: number; margin: Decimal } | null;
  margin: Decimal;
  referencePrice: Decimal;
  shortfallFactor: Decimal;
  surplusFactor: Decimal;
  rewardRate: Decimal;
  penaltyRate: Decimal;
  /** Mid-price per pair, or one uniform price per stage; applies from the next unopened period. */
  pricing: PricingRule;
  /** Price bounds per kWh every bid must respect (null: none). */
  priceFloor: Decimal | null;
  priceCap: Decimal | null;
  /** Most one seller may be awarded in a period, as a fraction of the period's demand (null: no cap). */
  sellerShareCap: Decimal | null;
  /** Weight of each settled period in a participant's reputation (null: reputation off). */
  reputationWeight: Decimal | null;
}

/** A participant's delivery reputation: a score from 0 to 1 that ages old behaviour. */
export interface Reputation {
  participantId: number;
  score: Decimal;
  newcomer: boolean;
  scoredPeriods: number;
  missedReadings: number;
  lastPeriod: number | null;
  /** The margin a bid committed now holds (the base scaled by the score while reputation is on). */
  margin: Decimal;
}

export interface OwnReputation extends Reputation {
  on: boolean;
  weight: Decimal;
}

export interface Reputations {
  on: boolean;
  weight: Decimal;
  participants: (Reputation & { name: string })[];
}

export type PricingRule = 'mid' | 'uniform';

export interface Market {
  chainId: number;
  contracts: { registry: string; token: string; market: string };
  token: { name: string; symbol: string };
  schedule: {
    genesis: number;
    periodSeconds: number;
    commitSeconds: number;
    revealSeconds: number;
    readingSeconds: number;
  };
  clock: { chainTime: number; speed: number };
  /** `windows` is null before the first period. */
  delivery: { period: number; windows: Windows | null };
  bidding: { period: number; phase: Phase; windows: Windows };
  parameters: Parameters;
}

export interface PeriodSummary {
  period: number;
  deliveryStarts: number;
  stage: Stage;
  settled: boolean;
  commitments: number;
  revealed: number;
  tradeCount: number;
  tradedEnergy: Decimal;
  averagePrice: Decimal | null;
}

export interface RevealedBid extends OnChain {
  participantId: number;
  side: Side;
  green: boolean;
  quantity: Decimal;
  price: Decimal;
}

export interface Trade extends OnChain {
  sellerId: number;
  buyerId: number;
  quantity: Decimal;
  price: Decimal;
  stage: TradeStage;
  /** What the buyer paid the grid with the trade ("0" without fees). */
  wheelingFee: Decimal;
  levy: Decimal;
  logIndex: number;
}

export interface CurvePoint {
  quantity: Decimal;
  price: Decimal;
}

export interface Settlement extends OnChain {
  participantId: number;
  period?: number;
  declared: Decimal;
  awarded: Decimal;
  actual: Decimal;
  readingMissing: boolean;
  imbalanceEnergy: Decimal;
  imbalanceAmount: Decimal;
  reward: Decimal;
  penalty: Decimal;
  /** What the participant paid the grid with its trades of the period. */
  wheelingFees: Decimal;
  levies: Decimal;
}

export interface PeriodDetail {
  period: number;
  windows: Windows;
  phase: Phase;
  stage: Stage;
  settled?: boolean;
  commitments: number;
  bids: RevealedBid[];
  trades: Trade[];
  averagePrice: Decimal | null;
  curves: { supply: CurvePoint[]; demand: CurvePoint[] };
  settlements: Settlement[];
}

export interface Day {
  date: string;
  periods: PeriodSummary[];
  averagePrice: Decimal | null;
  tradedEnergy: Decimal;
}

export interface EnergyPoint {
  period: number;
  side: Side | null;
  declared: Decimal;
  awarded: Decimal;
  /** null until the meter's reading arrived. */
  actual: Decimal | null;
}

export interface Meter {
  participantId: number;
  number: string;
  address: string;
  lastPeriod: number | null;
  status: string;
}

export interface Health {
  chain: {
    ok: boolean;
    chainId: number;
    blockNumber: number | null;
    chainTime: number | null;
    error?: string;
  };
  indexer: { ok: boolean; indexedBlock: number; lag: number | null };
  /** `lastTickAt`: wall-clock milliseconds of the keeper's last heartbeat. */
  keeper: { ok: boolean; lastTickAt: number | null; lastAction: string | null; lastError: string | null };
  /** `lastBoundary`: the last period whose readings the gateway took; `unreachable`: meter numbers. */
  gateway: {
    ok: boolean;
    meters: number;
    lastBoundary: number | null;
    queued: number;
    unreachable: readonly string[] | number;
    lastError?: string | null;
  };
}

export interface BlockSummary {
  number: number;
  hash: Hash;
  timestamp: number;
  transactionCount: number;
  gasUsed: number | string;
}

export interface TransactionSummary {
  hash: Hash;
  from: string;
  to: string | null;
  functionName: string | null;
  gasUsed: number | string;
  status: string;
}

export interface Block extends BlockSummary {
  transactions: TransactionSummary[];
}

export interface ChainEvent {
  contract: string;
  name: string;
  logIndex: number;
  args: Record<string, unknown>;
}

export interface Transaction extends TransactionSummary {
  blockNumber: number;
  events: ChainEvent[];
}

/** The payloads of the server-sent events at /api/events. */
export interface LiveEvents {
  clock: { chainTime: number; deliveryPeriod: number; biddingPeriod: number; phase: Phase };
  block: { number: number };
  period: { period: number; stage: Stage; settled: boolean };
  bids: { period: number; commitments: number };
  /** A continuous-market book changed: an order placed, filled, cancelled, expired or voided. */
  book: { period: number };
}

export interface CouponProgramme {
  programmeId: number;
  year: number;
  value: Decimal;
  eligibleUpToId: number;
  validFromPeriod: number;
  expiresAfterPeriod: number;
}

export interface SubsidyProgramme {
  pool: string;
  balance: Decimal;
  firstUseBonus: Decimal;
  programmes: CouponProgramme[];
}

export interface ParticipantSubsidies {
  firstUsePaid: boolean;
  coupons: (CouponProgramme & { status: 'available' | 'redeemed' | 'expired' | 'not-eligible' })[];
  payments: { amount: Decimal; period: number; transactionHash: string; blockNumber: number }[];
}

export type FlowStepKey =
  'registration' | 'publication' | 'matching' | 'contract' | 'delivery' | 'metering' | 'settlement';

export interface FlowRecord {
  party: 'seller' | 'buyer' | null;
  participantId: number | null;
  event: string;
  status: 'recorded' | 'pending' | 'missing';
  transactionHash: string | null;
  blockNumber: number | null;
  logIndex: number | null;
  values: Record<string, string | number | boolean | null>;
}

export interface FlowStep {
  number: number;
  key: FlowStepKey;
  status: 'done' | 'pending' | 'missing';
  waitingFor: { what: 'delivery-end' | 'reading' | 'settlement'; until: number | null } | null;
  records: FlowRecord[];
}

export interface TradeFlow {
  trade: Trade & { period: number };
  chainTime: number;
  steps: FlowStep[];
}

export interface MaintenancePlan {
  planId: number;
  unitId: number;
  fromPeriod: number;
  toPeriod: number;
  cancelled: boolean;
  workOrder: string;
}

export interface VoltageLevel {
  level: number;
  nominalVolts: number;
  /** Per kWh: the T&D price, the same-level fee, the most a buyer at this level can owe. */
  transmission: Decimal;
  sameLevelFee: Decimal;
  maxWheeling: Decimal;
}

export interface GridTariff {
  feesActive: boolean;
  levy: Decimal;
  levels: VoltageLevel[];
  connections: { participantId: number; level: number; feeder: number }[];
}

/** Feeder and transformer capacity limits (`GET /api/grid/capacity`); limits in kWh per period, null: none. */
export interface GridCapacity {
  active: boolean;
  period: number | null;
  assets: {
    asset: 'feeder' | 'transformer';
    id: number;
    transformer?: number;
    limit: Decimal | null;
    periodLimit?: Decimal | null;
    used?: Decimal;
  }[];
  cuts: { sellerId: number; buyerId: number; limit: string; limitId: number; granted: Decimal }[];
}

export interface MaintenancePlans {
  plans: MaintenancePlan[];
  earliestPeriod: number;
}

/** An order of the continuous market, as its owner sees it. */
export type OrderStatus = 'open' | 'filled' | 'cancelled' | 'expired' | 'voided' | 'cut';

export interface Order extends OnChain {
  period: number;
  orderId: number;
  participantId: number;
  side: Side;
  quantity: Decimal;
  price: Decimal;
  resting: Decimal;
  remaining: Decimal;
  status: OrderStatus;
}

export interface Fill extends OnChain {
  makerOrderId: number;
  takerOrderId: number;
  sellerId: number;
  buyerId: number;
  quantity: Decimal;
  price: Decimal;
  logIndex: number;
}

export interface PriceLevel {
  price: Decimal;
  quantity: Decimal;
  orders: number;
}

/** GET /api/orders/book: a period's continuous book, its fills, and the caller's own orders. */
export interface OrderBook {
  period: number;
  gateClosure: number;
  open: boolean;
  bids: PriceLevel[];
  asks: PriceLevel[];
  fills: Fill[];
  own: Order[];
}

export interface PlacedOrder extends OnChain {
  period: number;
  orderId: number;
  resting: Decimal;
  fills: Fill[];
  voided: number[];
}

export interface ForwardOffer {
  offerId: number;
  producerId: number;
  firstPeriod: number;
  lastPeriod: number;
  /** kWh per period: offered, and sold to large users. */
  energy: Decimal;
  sold: Decimal;
  /** Per kWh. */
  price: Decimal;
  issued: boolean;
  region: number;
  fee: Decimal;
}

export interface ForwardSale {
  saleId: number;
  offerId: number;
  sellerId: number;
  buyerId: number;
  energy: Decimal;
  price: Decimal;
}

export interface ForwardMarket {
  offers: ForwardOffer[];
  sales: ForwardSale[];
  earliestPeriod: number;
  regions: { region: number; fee: Decimal; collected: Decimal }[];
}
