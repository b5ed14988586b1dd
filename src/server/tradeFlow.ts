/**
 * One trade's seven steps of the residential transaction flow, each with the ledger records that
 * carry it (docs/decisions.md, "The seven-step flow of a trade"). A step the chain has not reached
 * yet is pending and says what it waits for, until when on the chain's clock.
 */
import type { PeriodWindows } from '../core/periodClock.ts';
import type { TradeFlowRecords, TradePartyRecords } from '../app/readModel.ts';
import { kwh, money, price, S } from './format.ts';
import { settlementFigures } from './routes/participants.ts';

export const FLOW_STEPS = [
  'registration',
  'publication',
  'matching',
  'contract',
  'delivery',
  'metering',
  'settlement',
] as const;
export type FlowStepKey = (typeof FLOW_STEPS)[number];

type Party = 'seller' | 'buyer';
type RecordStatus = 'recorded' | 'pending' | 'missing';
type Values = Record<string, string | number | boolean | null>;

interface FlowRecord {
  party: Party | null;
  participantId: number | null;
  event: string;
  status: RecordStatus;
  transactionHash: string | null;
  blockNumber: number | null;
  logIndex: number | null;
  values: Values;
}

/** What a pending step waits for: the end of delivery, a meter reading, or the keeper's settlement. */
interface Waiting {
  what: 'delivery-end' | 'reading' | 'settlement';
  /** Chain time by which it comes (the end of delivery, the reading deadline); null: the keeper's next beat. */
  until: number | null;
}

interface FlowStep {
  number: number;
  key: FlowStepKey;
  /** done: every record is in; missing: closed with a record missing (a reading after its deadline). */
  status: 'done' | 'pending' | 'missing';
  waitingFor: Waiting | null;
  records: FlowRecord[];
}

interface Located {
  transactionHash: string;
  blockNumber: number;
  logIndex: number;
}

const recorded = (
  party: TradePartyRecords | null,
  role: Party | null,
  event: string,
  at: Located,
  values: Values = {},
): FlowRecord => ({
  party: role,
  participantId: party?.participantId ?? null,
  event,
  status: 'recorded',
  transactionHash: at.transactionHash,
  blockNumber: at.blockNumber,
  logIndex: at.logIndex,
  values,
});

const absent = (party: TradePartyRecords, role: Party, event: string, status: RecordStatus): FlowRecord => ({
  party: role,
  participantId: party.participantId,
  event,
  status,
  transactionHash: null,
  blockNumber: null,
  logIndex: null,
  values: {},
});

function step(number: number, records: FlowRecord[], waitingFor: Waiting | null = null): FlowStep {
  const status = records.some((r) => r.status === 'pending')
    ? 'pending'
    : records.some((r) => r.status === 'missing')
      ? 'missing'
      : 'done';
  return {
    number,
    key: FLOW_STEPS[number - 1]!,
    status,
    waitingFor: status === 'pending' ? waitingFor : null,
    records,
  };
}

/**
 * The seven steps of `records` at chain time `now`. `mayRead(id)` says whether the caller may see
 * participant `id`'s private figures (its meter's readings, its actual energy before settlement).
 */
export function describeTradeFlow(
  records: TradeFlowRecords,
  w: PeriodWindows,
  now: bigint,
  mayRead: (participantId: number) => boolean,
) {
  const { trade, payment } = records;
  const parties: [Party, TradePartyRecords][] = [
    ['seller', records.seller],
    ['buyer', records.buyer],
  ];
  const delivered = now >= w.deliveryEnds;
  const readingOpen = now < w.readingDeadline;
  const perParty = (make: (role: Party, p: TradePartyRecords) => FlowRecord[]) =>
    parties.flatMap(([role, p]) => make(role, p));

  const registration = perParty((role, p) => [
    p.registration === null
      ? absent(p, role, 'ParticipantRegistered', 'missing')
      : recorded(p, role, 'ParticipantRegistered', p.registration, { account: p.account }),
    p.authorisation === null
      ? absent(p, role, 'ParticipantAuthorised', 'missing')
      : recorded(p, role, 'ParticipantAuthorised', p.authorisation),
  ]);

  // A trade exists only once its period is cleared, after the reveal window: the bids are public.
  // In the continuous market the order book is public as orders arrive: the party's order is its bid.
  const publication = perParty((role, p) => {
    const order = p.order;
    if (order !== null)
      return [
        recorded(p, role, 'OrderPlaced', order, {
          orderId: order.orderId,
          side: order.side,
          quantity: kwh(order.quantityWh),
          price: price(order.pricePerWh),
        }),
      ];
    const bid = p.bid;
    if (bid === null) return [absent(p, role, 'BidCommitted', 'missing')];
    const commit = recorded(p, role, 'BidCommitted', bid.commit, { commitment: bid.commitment });
    if (bid.reveal === null || bid.side === null) return [commit, absent(p, role, 'BidRevealed', 'missing')];
    return [
      commit,
      recorded(p, role, 'BidRevealed', bid.reveal, {
        side: bid.side,
        green: bid.green,
        quantity: kwh(bid.quantityWh!),
        price: price(bid.pricePerWh!),
      }),
    ];
  });

  const matching = [
    recorded(null, null, trade.stage === 'continuous' ? 'OrderFilled' : 'TradeMatched', trade, {
      sellerId: trade.sellerId,
      buyerId: trade.buyerId,
      quantity: kwh(trade.quantityWh),
      price: price(trade.pricePerWh),
      stage: trade.stage,
      ...(trade.makerOrderId === null
        ? {}
        : { makerOrderId: trade.makerOrderId, takerOrderId: trade.takerOrderId }),
    }),
  ];

  const contract =
    payment === null
      ? { ...absent(records.buyer, 'buyer', 'TokensMoved', 'missing'), party: null, participantId: null }
      : recorded(null, null, 'TokensMoved', payment, {
          reason: payment.reason,
          from: payment.from,
          to: payment.to,
          amount: money(payment.amount),
        });

  // Delivery happens on the wires; the ledger learns of it through each party's meter reading.
  const delivery = perParty((role, p) => {
    if (!delivered) return [absent(p, role, 'ReadingRecorded', 'pending')];
    const settledActual = p.settlement?.actualWh ?? null;
    const actual = settledActual ?? (mayRead(p.participantId) ? (p.energy?.actualWh ?? null) : null);
    const values = {
      side: p.energy?.side ?? null,
      awarded: p.energy === null ? null : kwh(p.energy.awardedWh),
      actual: actual === null ? null : kwh(actual),
    };
    if (p.reading === null)
      return [{ ...absent(p, role, 'ReadingRecorded', readingOpen ? 'pending' : 'missing'), values }];
    return [recorded(p, role, 'ReadingRecorded', p.reading, values)];
  });

  const metering = perParty((role, p) => {
    if (p.reading === null)
      return [absent(p, role, 'ReadingRecorded', delivered && !readingOpen ? 'missing' : 'pending')];
    const visible = mayRead(p.participantId);
    return [
      recorded(p, role, 'ReadingRecorded', p.reading, {
        meter: visible ? p.reading.meter : null,
        import: visible ? kwh(p.reading.importWh) : null,
        export: visible ? kwh(p.reading.exportWh) : null,
      }),
    ];
  });

  const settlement = perParty((role, p) => {
    const s = p.settlement;
    if (s === null) return [absent(p, role, 'ParticipantSettled', 'pending')];
    return [
      recorded(p, role, 'ParticipantSettled', s, settlementFigures(s)),
      ...p.settlementMoves.map((m) =>
        recorded(p, role, 'TokensMoved', m, {
          reason: m.reason,
          from: m.from,
          to: m.to,
          amount: money(m.amount),
        }),
      ),
    ];
  });

  const untilDelivered: Waiting = { what: 'delivery-end', until: Number(w.deliveryEnds) };
  const untilRead: Waiting = { what: 'reading', until: Number(w.readingDeadline) };
  const readingsIn = parties.every(([, p]) => p.reading !== null);
  const settlementWait: Waiting = !delivered
    ? untilDelivered
    : readingsIn || !readingOpen
      ? { what: 'settlement', until: null }
      : untilRead;

  return {
    trade: {
      period: trade.period,
      sellerId: trade.sellerId,
      buyerId: trade.buyerId,
      quantity: kwh(trade.quantityWh),
      price: price(trade.pricePerWh),
      stage: trade.stage,
      transactionHash: trade.transactionHash,
      blockNumber: trade.blockNumber,
      logIndex: trade.logIndex,
    },
    chainTime: Number(now),
    steps: [
      step(1, registration),
      step(2, publication),
      step(3, matching),
      step(4, [contract]),
      step(5, delivery, delivered ? untilRead : untilDelivered),
      step(6, metering, delivered ? untilRead : untilDelivered),
      step(7, settlement, settlementWait),
    ],
  };
}

const recordSchema = {
  type: 'object',
  properties: {
    party: { type: ['string', 'null'], enum: ['seller', 'buyer', null] },
    participantId: { type: ['integer', 'null'] },
    event: S.str,
    status: { type: 'string', enum: ['recorded', 'pending', 'missing'] },
    transactionHash: S.nullableStr,
    blockNumber: { type: ['integer', 'null'] },
    logIndex: { type: ['integer', 'null'] },
    values: { type: 'object', additionalProperties: true },
  },
  required: [
    'party',
    'participantId',
    'event',
    'status',
    'transactionHash',
    'blockNumber',
    'logIndex',
    'values',
  ],
} as const;

export const tradeFlowSchema = {
  type: 'object',
  properties: {
    trade: {
      type: 'object',
      properties: {
        period: S.num,
        sellerId: S.num,
        buyerId: S.num,
        quantity: S.str,
        price: S.str,
        stage: { type: 'string', enum: ['green', 'all', 'continuous'] },
        logIndex: S.num,
        ...S.locationProps,
      },
    },
    chainTime: S.num,
    steps: {
      type: 'array',
      minItems: 7,
      maxItems: 7,
      items: {
        type: 'object',
        properties: {
          number: S.num,
          key: { type: 'string', enum: FLOW_STEPS },
          status: { type: 'string', enum: ['done', 'pending', 'missing'] },
          waitingFor: {
            type: ['object', 'null'],
            properties: {
              what: { type: 'string', enum: ['delivery-end', 'reading', 'settlement'] },
              until: { type: ['integer', 'null'] },
            },
          },
          records: { type: 'array', items: recordSchema },
        },
      },
    },
  },
} as const;
