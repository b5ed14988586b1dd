/**
 * Forward rights on chain (large-user direct purchase): deploy the contract beside a platform, the
 * operator's settings and issuance, producers' offers, large users' purchases and sales, readings and
 * settlement of deliveries, and the book read back in the market core's shape.
 */
import {
  getAddress,
  getContract,
  parseEventLogs,
  type Account,
  type Address,
  type LocalAccount,
  type TransactionReceipt,
} from 'viem';
import { type ForwardBook, type ForwardOffer, type ForwardSale } from '../core/forwardRights.ts';
import type { SignedReading } from './bidding.ts';
import type { ChainConnection } from './connection.ts';
import { forwardRightsAbi, forwardRightsBytecode } from './generated/ForwardRights.ts';
import { settlementTokenAbi } from './generated/SettlementToken.ts';
import { TOKEN_REASON_CODE } from './tokenReasons.ts';
import { confirm, execute } from './transactions.ts';

export interface ForwardRights {
  readonly connection: ChainConnection;
  readonly address: Address;
  readonly read: ReturnType<typeof readContract>;
}

const readContract = (connection: ChainConnection, address: Address) =>
  getContract({ address, abi: forwardRightsAbi, client: connection.publicClient });

export function openForwardRights(
  connection: ChainConnection,
  deployment: { readonly forwardRights?: Address },
): ForwardRights | undefined {
  if (deployment.forwardRights === undefined) return undefined;
  return {
    connection,
    address: deployment.forwardRights,
    read: readContract(connection, deployment.forwardRights),
  };
}

/** What the forward rights move tokens for: purchases, region fees, settlements and their debts. */
const FORWARD_RIGHTS_REASONS = [
  TOKEN_REASON_CODE.trade,
  TOKEN_REASON_CODE['region-fee'],
  TOKEN_REASON_CODE.imbalance,
  TOKEN_REASON_CODE.incentive,
  TOKEN_REASON_CODE['debt-repayment'],
];

/** Deploys the forward rights; they are bound to the market once it exists (`bindForwardRights`). */
export async function deployForwardRights(
  connection: ChainConnection,
  options: {
    readonly operator: Account;
    readonly registry: Address;
    readonly token: Address;
    readonly onProgress?: (step: string) => void;
  },
): Promise<Address> {
  options.onProgress?.('deploying ForwardRights');
  const receipt = await confirm(connection, 'deploy ForwardRights', () =>
    connection.wallet(options.operator).deployContract({
      abi: forwardRightsAbi,
      bytecode: forwardRightsBytecode,
      args: [options.registry, options.token],
    }),
  );
  if (receipt.contractAddress == null) throw new Error('deploying ForwardRights created no contract');
  return getAddress(receipt.contractAddress);
}

/**
 * Binds the forward rights to the sealed-bid market (its clock, rates, maintenance plans and meter
 * reading domain) and adds them to the token as a ledger. `operator` holds the default admin role.
 */
export async function bindForwardRights(
  connection: ChainConnection,
  options: {
    readonly operator: Account;
    readonly forwardRights: Address;
    readonly market: Address;
    readonly token: Address;
    readonly onProgress?: (step: string) => void;
  },
): Promise<void> {
  options.onProgress?.('binding the forward rights to the market and adding them as a token ledger');
  const wallet = connection.wallet(options.operator);
  const client = { public: connection.publicClient, wallet };
  const rights = getContract({ address: options.forwardRights, abi: forwardRightsAbi, client });
  await confirm(connection, 'bind forward rights', () => rights.write.bindMarket([options.market]));
  const token = getContract({ address: options.token, abi: settlementTokenAbi, client });
  await confirm(connection, 'add forward rights ledger', () =>
    token.write.addLedger([options.forwardRights, FORWARD_RIGHTS_REASONS]),
  );
}

/**
 * On a deployment running the continuous market: lets the forward rights refuse to make a participant
 * party to an offer over periods it placed continuous orders for. `operator` holds the admin role.
 */
export async function bindContinuousMarketToForwardRights(
  connection: ChainConnection,
  options: {
    readonly operator: Account;
    readonly forwardRights: Address;
    readonly continuousMarket: Address;
  },
): Promise<void> {
  const client = { public: connection.publicClient, wallet: connection.wallet(options.operator) };
  const rights = getContract({ address: options.forwardRights, abi: forwardRightsAbi, client });
  await confirm(connection, 'bind the continuous market to the forward rights', () =>
    rights.write.bindContinuousMarket([options.continuousMarket]),
  );
}

const send = (
  rights: ForwardRights,
  account: Account,
  functionName: ForwardFunction,
  args: readonly unknown[],
  action: string,
): Promise<TransactionReceipt> =>
  execute(
    rights.connection,
    account,
    // viem cannot type a call whose function name is a union; each caller below passes its own arguments.
    { address: rights.address, abi: forwardRightsAbi, functionName, args } as never,
    action,
  );
type ForwardFunction =
  | 'setLargeUser'
  | 'setRegion'
  | 'setRegionFee'
  | 'register'
  | 'issue'
  | 'buy'
  | 'offerSale'
  | 'acceptSale'
  | 'cancelSale'
  | 'submitReadingsBySignature'
  | 'settle'
  | 'repayDebt';

export const setLargeUser = (
  rights: ForwardRights,
  operator: Account,
  participantId: number,
  largeUser: boolean,
) =>
  send(
    rights,
    operator,
    'setLargeUser',
    [participantId, largeUser],
    `mark participant ${participantId} as large user`,
  );

export const setRegion = (rights: ForwardRights, operator: Account, participantId: number, region: number) =>
  send(
    rights,
    operator,
    'setRegion',
    [participantId, region],
    `put participant ${participantId} in region ${region}`,
  );

export const setRegionFee = (rights: ForwardRights, operator: Account, region: number, feePerWh: bigint) =>
  send(rights, operator, 'setRegionFee', [region, feePerWh], `set region ${region}'s fee`);

const createdOfferId = (receipt: TransactionReceipt): number =>
  Number(
    parseEventLogs({ abi: forwardRightsAbi, eventName: 'OfferRegistered', logs: receipt.logs })[0]!.args
      .offerId,
  );
const createdSaleId = (receipt: TransactionReceipt): number =>
  Number(
    parseEventLogs({ abi: forwardRightsAbi, eventName: 'SaleOffered', logs: receipt.logs })[0]!.args.saleId,
  );

export async function registerForwardOffer(
  rights: ForwardRights,
  producer: Account,
  offer: { firstPeriod: bigint; lastPeriod: bigint; whPerPeriod: bigint; pricePerWh: bigint },
): Promise<{ offerId: number; receipt: TransactionReceipt }> {
  const receipt = await send(
    rights,
    producer,
    'register',
    [offer.firstPeriod, offer.lastPeriod, offer.whPerPeriod, offer.pricePerWh],
    'register a forward offer',
  );
  return { offerId: createdOfferId(receipt), receipt };
}

export const issueForwardOffer = (rights: ForwardRights, operator: Account, offerId: number) =>
  send(rights, operator, 'issue', [BigInt(offerId)], `issue forward offer ${offerId}`);

export const buyForwardRights = (
  rights: ForwardRights,
  buyer: Account,
  offerId: number,
  whPerPeriod: bigint,
) => send(rights, buyer, 'buy', [BigInt(offerId), whPerPeriod], `buy rights of forward offer ${offerId}`);

export async function offerForwardSale(
  rights: ForwardRights,
  seller: Account,
  sale: { offerId: number; buyerId: number; whPerPeriod: bigint; pricePerWh: bigint },
): Promise<{ saleId: number; receipt: TransactionReceipt }> {
  const receipt = await send(
    rights,
    seller,
    'offerSale',
    [BigInt(sale.offerId), sale.buyerId, sale.whPerPeriod, sale.pricePerWh],
    `offer rights of forward offer ${sale.offerId} for sale`,
  );
  return { saleId: createdSaleId(receipt), receipt };
}

export const acceptForwardSale = (rights: ForwardRights, buyer: Account, saleId: number) =>
  send(rights, buyer, 'acceptSale', [BigInt(saleId)], `accept forward sale ${saleId}`);

export const cancelForwardSale = (rights: ForwardRights, seller: Account, saleId: number) =>
  send(rights, seller, 'cancelSale', [BigInt(saleId)], `cancel forward sale ${saleId}`);

/** Submits readings meters signed for the sealed-bid market. */
export const submitForwardReadings = (
  rights: ForwardRights,
  relayer: Account,
  readings: readonly SignedReading[],
) =>
  send(
    rights,
    relayer,
    'submitReadingsBySignature',
    [readings],
    `submit ${readings.length} forward readings`,
  );

export const settleForwardDeliveries = (
  rights: ForwardRights,
  keeper: Account,
  period: bigint,
  participantIds: readonly number[],
) =>
  send(rights, keeper, 'settle', [period, participantIds], `settle forward deliveries of period ${period}`);

export interface SettledDelivery {
  readonly period: bigint;
  readonly participantId: number;
  readonly scheduledWh: bigint;
  readonly actualWh: bigint;
  readonly readingMissing: boolean;
  readonly imbalanceWh: bigint;
  readonly imbalanceAmount: bigint;
  readonly reward: bigint;
  readonly penalty: bigint;
}

/** The DeliverySettled events of a settlement transaction. */
export const settledDeliveries = (receipt: { logs: TransactionReceipt['logs'] }): SettledDelivery[] =>
  parseEventLogs({ abi: forwardRightsAbi, eventName: 'DeliverySettled', logs: receipt.logs }).map((e) => ({
    period: e.args.period,
    participantId: e.args.participantId,
    scheduledWh: e.args.scheduledWh,
    actualWh: e.args.actualWh,
    readingMissing: e.args.readingMissing,
    imbalanceWh: e.args.imbalanceWh,
    imbalanceAmount: e.args.imbalanceAmount,
    reward: e.args.reward,
    penalty: e.args.penalty,
  }));

/** Every offer and every sale (closed ones included), in id order. */
export async function readForwardOffers(
  rights: ForwardRights,
): Promise<{ offers: ForwardOffer[]; sales: ForwardSale[] }> {
  const [offerCount, saleCount] = await Promise.all([
    rights.read.read.offerCount(),
    rights.read.read.saleCount(),
  ]);
  const offers = await Promise.all(
    Array.from({ length: Number(offerCount) }, async (_, i) => {
      const o = await rights.read.read.offer([BigInt(i + 1)]);
      return {
        offerId: i + 1,
        producerId: o.producerId,
        firstPeriod: BigInt(o.firstPeriod),
        lastPeriod: BigInt(o.lastPeriod),
        whPerPeriod: BigInt(o.whPerPeriod),
        soldWhPerPeriod: BigInt(o.soldWhPerPeriod),
        pricePerWh: o.pricePerWh,
        issued: o.issued,
        region: o.region,
        feePerWh: o.feePerWh,
      };
    }),
  );
  // A closed sale reads as unknown: its terms come from its SaleOffered event.
  const logs = await rights.connection.publicClient.getContractEvents({
    address: rights.address,
    abi: forwardRightsAbi,
    eventName: 'SaleOffered',
    fromBlock: 0n,
  });
  const sales = await Promise.all(
    logs
      .sort((a, b) => Number(a.args.saleId! - b.args.saleId!))
      .slice(0, Number(saleCount))
      .map(async (log) => {
        const saleId = Number(log.args.saleId);
        const open = await rights.read.read.sale([BigInt(saleId)]).then(
          () => true,
          () => false,
        );
        return {
          saleId,
          offerId: Number(log.args.offerId),
          sellerId: log.args.sellerId!,
          buyerId: log.args.buyerId!,
          whPerPeriod: log.args.whPerPeriod!,
          pricePerWh: log.args.pricePerWh!,
          open,
        };
      }),
  );
  return { offers, sales };
}

/** The forward book in the core's shape, as far as the listed participants and regions go. */
export async function readForwardBook(
  rights: ForwardRights,
  participantIds: readonly number[],
  regions: readonly number[],
): Promise<Omit<ForwardBook, 'live'>> {
  const { offers, sales } = await readForwardOffers(rights);
  const holdings = new Map<string, bigint>();
  for (const o of offers)
    for (const id of participantIds) {
      const held = await rights.read.read.holdingOf([BigInt(o.offerId), id]);
      if (held > 0n) holdings.set(`${o.offerId}:${id}`, held);
    }
  const largeUsers = new Set<number>();
  const regionOf = new Map<number, number>();
  for (const id of participantIds) {
    if (await rights.read.read.isLargeUser([id])) largeUsers.add(id);
    const region = await rights.read.read.regionOf([id]);
    if (region !== 0) regionOf.set(id, region);
  }
  const regionFeePerWh = new Map<number, bigint>();
  const regionFeesCollected = new Map<number, bigint>();
  for (const region of regions) {
    const fee = await rights.read.read.regionFeePerWh([region]);
    if (fee > 0n) regionFeePerWh.set(region, fee);
    const collected = await rights.read.read.regionFeesCollected([region]);
    if (collected > 0n) regionFeesCollected.set(region, collected);
  }
  return { offers, sales, holdings, largeUsers, regionOf, regionFeePerWh, regionFeesCollected };
}

/** What a participant may sign for a relayer to perform (`ForwardRights.Action`). */
export type ForwardAction =
  | {
      readonly action: 'register';
      readonly firstPeriod: bigint;
      readonly lastPeriod: bigint;
      readonly whPerPeriod: bigint;
      readonly pricePerWh: bigint;
    }
  | { readonly action: 'buy'; readonly offerId: number; readonly whPerPeriod: bigint }
  | {
      readonly action: 'offer-sale';
      readonly offerId: number;
      readonly buyerId: number;
      readonly whPerPeriod: bigint;
      readonly pricePerWh: bigint;
    }
  | { readonly action: 'accept-sale' | 'cancel-sale'; readonly saleId: number };

const forwardActionTypes = {
  ForwardAction: [
    { name: 'participant', type: 'address' },
    { name: 'action', type: 'uint8' },
    { name: 'id', type: 'uint256' },
    { name: 'first', type: 'uint256' },
    { name: 'second', type: 'uint256' },
    { name: 'third', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

/** The contract's fields of an action: its code, `id` and `first`..`third`. */
function actionFields(a: ForwardAction): {
  action: number;
  id: bigint;
  first: bigint;
  second: bigint;
  third: bigint;
} {
  switch (a.action) {
    case 'register':
      return {
        action: 0,
        id: a.firstPeriod,
        first: a.lastPeriod,
        second: a.whPerPeriod,
        third: a.pricePerWh,
      };
    case 'buy':
      return { action: 1, id: BigInt(a.offerId), first: a.whPerPeriod, second: 0n, third: 0n };
    case 'offer-sale':
      return {
        action: 2,
        id: BigInt(a.offerId),
        first: BigInt(a.buyerId),
        second: a.whPerPeriod,
        third: a.pricePerWh,
      };
    case 'accept-sale':
      return { action: 3, id: BigInt(a.saleId), first: 0n, second: 0n, third: 0n };
    case 'cancel-sale':
      return { action: 4, id: BigInt(a.saleId), first: 0n, second: 0n, third: 0n };
  }
}

/**
 * The participant signs an action with its next nonce and the relayer performs it; the new offer's or
 * sale's id for a registration or an offered sale.
 */
export async function actBySignature(
  rights: ForwardRights,
  participant: LocalAccount,
  relayer: Account,
  action: ForwardAction,
): Promise<{ createdId: number | undefined; receipt: TransactionReceipt }> {
  const fields = actionFields(action);
  const nonce = await rights.read.read.nonces([participant.address]);
  const message = { participant: participant.address, ...fields, nonce };
  const signature = await participant.signTypedData({
    domain: {
      name: 'WattLedger Forward Rights',
      version: '1',
      chainId: rights.connection.chain.id,
      verifyingContract: rights.address,
    },
    types: forwardActionTypes,
    primaryType: 'ForwardAction',
    message,
  });
  const receipt = await execute(
    rights.connection,
    relayer,
    {
      address: rights.address,
      abi: forwardRightsAbi,
      functionName: 'actBySignature',
      args: [{ ...message, signature }],
    },
    `${action.action} (forward rights, signed)`,
  );
  const createdId =
    action.action === 'register'
      ? createdOfferId(receipt)
      : action.action === 'offer-sale'
        ? createdSaleId(receipt)
        : undefined;
  return { createdId, receipt };
}

/**
 * The participants whose forward delivery in `period` is not settled yet: the parties of the rights
 * that changed hands in offers covering it, with a schedule there.
 */
export async function forwardDeliveriesDue(
  rights: ForwardRights,
  period: bigint,
  fromBlock: bigint,
): Promise<number[]> {
  if ((await rights.read.read.offerCount()) === 0n) return [];
  const transfers = await rights.connection.publicClient.getContractEvents({
    address: rights.address,
    abi: forwardRightsAbi,
    eventName: 'RightsTransferred',
    fromBlock,
  });
  const offerIds = [...new Set(transfers.map((e) => e.args.offerId!))];
  const covering = new Set<bigint>();
  for (const offerId of offerIds) {
    const o = await rights.read.read.offer([offerId]);
    if (BigInt(o.firstPeriod) <= period && period <= BigInt(o.lastPeriod)) covering.add(offerId);
  }
  const parties = new Set<number>();
  for (const e of transfers) if (covering.has(e.args.offerId!)) parties.add(e.args.fromId!).add(e.args.toId!);
  const due: number[] = [];
  for (const id of [...parties].sort((a, b) => a - b)) {
    const [schedule, delivery] = await Promise.all([
      rights.read.read.scheduleOf([id, period]),
      rights.read.read.deliveryOf([period, id]),
    ]);
    if (schedule.scheduledWh > 0n && (delivery.flags & 2) === 0) due.push(id);
  }
  return due;
}
