/**
 * The subsidy pool on chain: deploy it beside a platform, offer the first-use bonus, issue yearly
 * coupons, and pay what is due after a period, decided by the market core's rules (core/subsidies.ts)
 * from chain state so that no claim the contract would refuse is sent.
 */
import { getAddress, getContract, parseEventLogs, type Account, type Address, type Hex } from 'viem';
import { couponDue, firstUseBonusDue, type CouponProgramme, type PeriodPosition } from '../core/subsidies.ts';
import type { ChainConnection } from './connection.ts';
import type { Deployment } from './deploy.ts';
import { energyMarketAbi } from './generated/EnergyMarket.ts';
import { settlementTokenAbi } from './generated/SettlementToken.ts';
import { subsidyPoolAbi, subsidyPoolBytecode } from './generated/SubsidyPool.ts';
import { TOKEN_REASON_CODE } from './tokenReasons.ts';
import { confirm, execute } from './transactions.ts';

/** BidSlots.SELL in contracts/libraries/BidSlots.sol. */
const SELL_FLAG = 4;

export interface SubsidyPool {
  readonly connection: ChainConnection;
  readonly address: Address;
  readonly market: Address;
  readonly token: Address;
  readonly read: ReturnType<typeof readContract>;
}

const readContract = (connection: ChainConnection, address: Address) =>
  getContract({ address, abi: subsidyPoolAbi, client: connection.publicClient });

export function openSubsidyPool(
  connection: ChainConnection,
  deployment: Pick<Deployment, 'market' | 'token'> & { readonly subsidyPool?: Address },
): SubsidyPool | undefined {
  if (deployment.subsidyPool === undefined) return undefined;
  return {
    connection,
    address: deployment.subsidyPool,
    market: deployment.market,
    token: deployment.token,
    read: readContract(connection, deployment.subsidyPool),
  };
}

/**
 * Deploys the pool and adds it to the token as a ledger that moves tokens for subsidies only.
 * `operator` must hold the registry's default admin role.
 */
export async function deploySubsidyPool(
  connection: ChainConnection,
  options: {
    readonly operator: Account;
    readonly deployment: Pick<Deployment, 'registry' | 'token' | 'market'>;
    readonly onProgress?: (step: string) => void;
  },
): Promise<Address> {
  const wallet = connection.wallet(options.operator);
  const { registry, token, market } = options.deployment;
  options.onProgress?.('deploying SubsidyPool');
  const receipt = await confirm(connection, 'deploy SubsidyPool', () =>
    wallet.deployContract({
      abi: subsidyPoolAbi,
      bytecode: subsidyPoolBytecode,
      args: [registry, token, market],
    }),
  );
  if (receipt.contractAddress == null) throw new Error('deploying SubsidyPool created no contract');
  const address = getAddress(receipt.contractAddress);
  options.onProgress?.('adding the subsidy pool as a token ledger for subsidies');
  await confirm(connection, 'add subsidy ledger', () =>
    getContract({
      address: token,
      abi: settlementTokenAbi,
      client: { public: connection.publicClient, wallet },
    }).write.addLedger([address, [TOKEN_REASON_CODE.subsidy]]),
  );
  return address;
}

export async function setFirstUseBonus(pool: SubsidyPool, operator: Account, amount: bigint) {
  return await execute(
    pool.connection,
    operator,
    { address: pool.address, abi: subsidyPoolAbi, functionName: 'setFirstUseBonus', args: [amount] },
    'set the first-use bonus',
  );
}

/** Issues a year's coupons; returns the programme id and the transaction's location. */
export async function issueCoupons(
  pool: SubsidyPool,
  operator: Account,
  coupons: { readonly year: number; readonly value: bigint; readonly expiresAfterPeriod: bigint },
): Promise<{ programmeId: number; transactionHash: Hex; blockNumber: bigint }> {
  const receipt = await execute(
    pool.connection,
    operator,
    {
      address: pool.address,
      abi: subsidyPoolAbi,
      functionName: 'issueCoupons',
      args: [coupons.year, coupons.value, coupons.expiresAfterPeriod],
    },
    `issue the ${coupons.year} coupons`,
  );
  const [issued] = parseEventLogs({ abi: subsidyPoolAbi, eventName: 'CouponsIssued', logs: receipt.logs });
  return {
    programmeId: Number(issued!.args.programmeId),
    transactionHash: receipt.transactionHash,
    blockNumber: receipt.blockNumber,
  };
}

export async function readProgrammes(pool: SubsidyPool): Promise<(CouponProgramme & { year: number })[]> {
  const count = Number(await pool.read.read.programmeCount());
  return await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const p = await pool.read.read.programme([BigInt(i + 1)]);
      return {
        programmeId: i + 1,
        year: p.year,
        value: p.value,
        eligibleUpToId: p.eligibleUpToId,
        validFromPeriod: BigInt(p.validFromPeriod),
        expiresAfterPeriod: BigInt(p.expiresAfterPeriod),
      };
    }),
  );
}

export type SubsidyClaim =
  | {
      readonly kind: 'first-use';
      readonly participantId: number;
      readonly period: bigint;
      readonly amount: bigint;
    }
  | {
      readonly kind: 'coupon';
      readonly programmeId: number;
      readonly participantId: number;
      readonly period: bigint;
      readonly amount: bigint;
    };

/** What the pool owes the given participants for their trades in `period`, by the core's rules. */
export async function subsidiesDue(
  pool: SubsidyPool,
  period: bigint,
  participantIds: readonly number[],
): Promise<SubsidyClaim[]> {
  const client = pool.connection.publicClient;
  const market = getContract({ address: pool.market, abi: energyMarketAbi, client });
  const token = getContract({ address: pool.token, abi: settlementTokenAbi, client });
  const [bonus, programmes, [value, quantityWh], poolBalance] = await Promise.all([
    pool.read.read.firstUseBonus(),
    readProgrammes(pool),
    market.read.averagePrice([period]),
    token.read.balanceOf([pool.address]),
  ]);
  let pool_ = poolBalance;
  const claims: SubsidyClaim[] = [];
  for (const participantId of participantIds) {
    const slot = await market.read.bidOf([participantId, period]);
    const position: PeriodPosition | null =
      BigInt(slot.period) === period
        ? { side: (slot.flags & SELL_FLAG) !== 0 ? 'sell' : 'buy', awardedWh: BigInt(slot.awardedWh) }
        : null;
    if (position === null || position.awardedWh === 0n) continue;
    const firstUse = firstUseBonusDue({
      bonus,
      alreadyPaid: await pool.read.read.firstUsePaid([participantId]),
      position,
      pool: pool_,
    });
    if (firstUse.ok) {
      claims.push({ kind: 'first-use', participantId, period, amount: firstUse.amount });
      pool_ -= firstUse.amount;
    }
    for (const programme of programmes) {
      const coupon = couponDue({
        programme,
        participantId,
        alreadyRedeemed: await pool.read.read.couponRedeemed([BigInt(programme.programmeId), participantId]),
        period,
        position,
        averagePrice: { value, quantityWh },
        pool: pool_,
      });
      if (coupon.ok) {
        claims.push({
          kind: 'coupon',
          programmeId: programme.programmeId,
          participantId,
          period,
          amount: coupon.amount,
        });
        pool_ -= coupon.amount;
      }
    }
  }
  return claims;
}

/** Sends one claim; permissionless, so the keeper's account pays the gas. */
export async function payClaim(pool: SubsidyPool, keeper: Account, claim: SubsidyClaim) {
  return claim.kind === 'first-use'
    ? await execute(
        pool.connection,
        keeper,
        {
          address: pool.address,
          abi: subsidyPoolAbi,
          functionName: 'claimFirstUse',
          args: [claim.participantId, claim.period],
        },
        `pay participant ${claim.participantId}'s first-use bonus`,
      )
    : await execute(
        pool.connection,
        keeper,
        {
          address: pool.address,
          abi: subsidyPoolAbi,
          functionName: 'redeemCoupon',
          args: [BigInt(claim.programmeId), claim.participantId, claim.period],
        },
        `redeem participant ${claim.participantId}'s coupon ${claim.programmeId}`,
      );
}
