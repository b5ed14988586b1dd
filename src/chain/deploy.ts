/** Deploys the three contracts and wires their roles; the result is kept as the deployment record. */
import { getAddress, getContract, zeroAddress, type Account, type Address, type Hex } from 'viem';
import { continuousMarketAbi, continuousMarketBytecode } from './generated/ContinuousMarket.ts';
import { energyMarketAbi, energyMarketBytecode } from './generated/EnergyMarket.ts';
import { marketSettlementAbi, marketSettlementBytecode } from './generated/MarketSettlement.ts';
import { participantRegistryAbi, participantRegistryBytecode } from './generated/ParticipantRegistry.ts';
import { settlementTokenAbi, settlementTokenBytecode } from './generated/SettlementToken.ts';
import type { ChainConnection } from './connection.ts';
import {
  bindContinuousMarketToForwardRights,
  bindForwardRights,
  deployForwardRights,
} from './forwardRights.ts';
import { deployGridConnections } from './gridConnections.ts';
import { deployMaintenancePlans } from './maintenancePlans.ts';
import { deploySubsidyPool } from './subsidyPool.ts';
import { TOKEN_REASON_CODE } from './tokenReasons.ts';
import { confirm } from './transactions.ts';
import { PRICING_RULES, type PricingRule } from '../core/greenFirstAuction.ts';
import type { MarketMechanism } from '../core/mechanism.ts';

export interface MarketSchedule {
  /** Start of delivery period 1, unix seconds. */
  readonly genesis: bigint;
  readonly periodSeconds: number;
  readonly commitSeconds: number;
  readonly revealSeconds: number;
  readonly readingSeconds: number;
}

export interface MarketParameters {
  readonly marginAmount: bigint;
  readonly referencePricePerWh: bigint;
  readonly shortfallFactorPpm: number;
  readonly surplusFactorPpm: number;
  readonly rewardRatePpm: number;
  readonly penaltyRatePpm: number;
  /** How trades are priced; a change applies from the first period whose commit window has not opened. */
  readonly pricing?: PricingRule;
  /** Default price bounds of every period, base units per Wh (0 or absent: none). */
  readonly priceFloorPerWh?: bigint;
  readonly priceCapPerWh?: bigint;
  /** Most one seller may be awarded in a period, in basis points of the period's revealed demand (0: no cap). */
  readonly sellerShareCapBps?: number;
  /**
   * Weight of each settled participant-period in its participant's reputation, ppm (0 or absent:
   * reputation off, nothing scored, every bid holds the base margin and ties by rank).
   */
  readonly reputationWeightPpm?: number;
}

export { PRICING_RULES, type PricingRule } from '../core/greenFirstAuction.ts';

export interface Deployment {
  readonly chainId: number;
  readonly registry: Address;
  readonly token: Address;
  readonly market: Address;
  /** The block of the first deployment transaction: event scans start here. */
  readonly fromBlock: bigint;
  readonly operator: Address;
  readonly settlementAgent: Address;
  readonly publicGrid: Address;
  /**
   * The mechanism participants trade by (absent in records of earlier versions: periodic). The
   * sealed-bid market is deployed either way: it keeps the period clock, the settlement rates,
   * withdrawals and the meters' reading domain the continuous market shares.
   */
  readonly mechanism?: MarketMechanism;
  /** The continuous double auction, when deployed (`DeployOptions.continuousMarket`). */
  readonly continuousMarket?: Address;
  /** The subsidy pool, when deployed (`DeployOptions.subsidyPool`). */
  readonly subsidyPool?: Address;
  /** The grid company's maintenance plans, when deployed (`DeployOptions.maintenancePlans`). */
  readonly maintenancePlans?: Address;
  /** The forward rights (large-user direct purchase), when deployed (`DeployOptions.forwardRights`). */
  readonly forwardRights?: Address;
  /** The grid company's connection register (wheeling fees and levies), when deployed (`DeployOptions.gridConnections`). */
  readonly gridConnections?: Address;
}

/** The continuous market's own settings; its periods are the sealed-bid market's. */
export interface ContinuousMarketSettings {
  /** The book of period d closes this long before d's delivery starts. */
  readonly gateClosureSeconds: number;
  /** What a seller must hold and a buyer keep beyond its open buy orders (base units). */
  readonly marginAmount: bigint;
}

export interface DeployOptions {
  readonly operator: Account;
  readonly settlementAgent: Address;
  readonly publicGrid: Address;
  readonly schedule: MarketSchedule;
  readonly parameters: MarketParameters;
  readonly token?: { readonly name: string; readonly symbol: string };
  /** The mechanism participants trade by (default periodic); continuous needs `continuousMarket`. */
  readonly mechanism?: MarketMechanism;
  /** Also deploy the continuous double auction and add it to the token as a second ledger. */
  readonly continuousMarket?: ContinuousMarketSettings;
  /** Also deploy the subsidy pool and add it to the token as a ledger for subsidies. */
  readonly subsidyPool?: boolean;
  /** Also deploy the maintenance plans the market consults. */
  readonly maintenancePlans?: boolean;
  /** Also deploy the forward rights (large-user direct purchase) and add them to the token as a ledger. */
  readonly forwardRights?: boolean;
  /** Also deploy the grid connection register the market charges wheeling fees and levies from. */
  readonly gridConnections?: boolean;
  readonly onProgress?: (step: string) => void;
}

export const toContractParameters = (p: MarketParameters) => ({
  marginAmount: p.marginAmount,
  referencePricePerWh: p.referencePricePerWh,
  rates: {
    shortfallFactorPpm: p.shortfallFactorPpm,
    surplusFactorPpm: p.surplusFactorPpm,
    rewardRatePpm: p.rewardRatePpm,
    penaltyRatePpm: p.penaltyRatePpm,
  },
  pricing: PRICING_RULES.indexOf(p.pricing ?? 'mid'),
  priceFloorPerWh: p.priceFloorPerWh ?? 0n,
  priceCapPerWh: p.priceCapPerWh ?? 0n,
  sellerShareCapBps: p.sellerShareCapBps ?? 0,
  reputationWeightPpm: p.reputationWeightPpm ?? 0,
});

/** The contract's parameters as the platform names them. */
export const fromContractParameters = (p: {
  marginAmount: bigint;
  referencePricePerWh: bigint;
  rates: {
    shortfallFactorPpm: number;
    surplusFactorPpm: number;
    rewardRatePpm: number;
    penaltyRatePpm: number;
  };
  pricing: number;
  priceFloorPerWh: bigint;
  priceCapPerWh: bigint;
  sellerShareCapBps: number;
  reputationWeightPpm: number;
}): Required<MarketParameters> => ({
  marginAmount: p.marginAmount,
  referencePricePerWh: p.referencePricePerWh,
  ...p.rates,
  pricing: PRICING_RULES[p.pricing] ?? 'mid',
  priceFloorPerWh: p.priceFloorPerWh,
  priceCapPerWh: p.priceCapPerWh,
  sellerShareCapBps: p.sellerShareCapBps,
  reputationWeightPpm: p.reputationWeightPpm,
});

/** The placeholder solc leaves in EnergyMarket's code for the address of its linked library. */
const LIBRARY_PLACEHOLDER = /__\$[0-9a-f]{34}\$__/g;

/** EnergyMarket's creation code with MarketSettlement's address linked in. */
export const linkedEnergyMarketBytecode = (settlementLibrary: Address): Hex =>
  energyMarketBytecode.replace(LIBRARY_PLACEHOLDER, settlementLibrary.slice(2).toLowerCase()) as Hex;

export async function deployPlatform(
  connection: ChainConnection,
  options: DeployOptions,
): Promise<Deployment> {
  const mechanism = options.mechanism ?? 'periodic';
  if (mechanism === 'continuous' && options.continuousMarket === undefined)
    throw new TypeError('deployPlatform: the continuous mechanism needs the continuousMarket settings');
  const wallet = connection.wallet(options.operator);
  const progress = options.onProgress ?? (() => {});
  const deployed = async (
    name: string,
    send: () => Promise<Hex>,
  ): Promise<{ address: Address; block: bigint }> => {
    progress(`deploying ${name}`);
    const receipt = await confirm(connection, `deploy ${name}`, send);
    if (receipt.contractAddress == null) throw new Error(`deploying ${name} created no contract`);
    return { address: getAddress(receipt.contractAddress), block: receipt.blockNumber };
  };
  const registry = await deployed('ParticipantRegistry', () =>
    wallet.deployContract({
      abi: participantRegistryAbi,
      bytecode: participantRegistryBytecode,
      args: [options.operator.address],
    }),
  );
  const tokenName = options.token ?? { name: 'WattLedger settlement token', symbol: 'WLT' };
  const token = await deployed('SettlementToken', () =>
    wallet.deployContract({
      abi: settlementTokenAbi,
      bytecode: settlementTokenBytecode,
      args: [tokenName.name, tokenName.symbol, registry.address],
    }),
  );
  const { schedule } = options;
  const settlementLibrary = await deployed('MarketSettlement', () =>
    wallet.deployContract({ abi: marketSettlementAbi, bytecode: marketSettlementBytecode }),
  );
  // The market consults the plans at each reveal, so they come first.
  const maintenancePlans = options.maintenancePlans
    ? await deployMaintenancePlans(connection, {
        operator: options.operator,
        registry: registry.address,
        schedule,
        onProgress: progress,
      })
    : undefined;
  const gridConnections = options.gridConnections
    ? await deployGridConnections(connection, {
        operator: options.operator,
        registry: registry.address,
        onProgress: progress,
      })
    : undefined;
  // Deployed before the market, which is to refuse bids from participants with a forward schedule.
  const forwardRights = options.forwardRights
    ? await deployForwardRights(connection, {
        operator: options.operator,
        registry: registry.address,
        token: token.address,
        onProgress: progress,
      })
    : undefined;
  const market = await deployed('EnergyMarket', () =>
    wallet.deployContract({
      abi: energyMarketAbi,
      bytecode: linkedEnergyMarketBytecode(settlementLibrary.address),
      args: [
        registry.address,
        token.address,
        {
          genesis: schedule.genesis,
          periodSeconds: schedule.periodSeconds,
          commitSeconds: schedule.commitSeconds,
          revealSeconds: schedule.revealSeconds,
          readingSeconds: schedule.readingSeconds,
        },
        toContractParameters(options.parameters),
        maintenancePlans ?? zeroAddress,
        gridConnections ?? zeroAddress,
        forwardRights ?? zeroAddress,
      ],
    }),
  );
  const client = { public: connection.publicClient, wallet };
  const registryContract = getContract({ address: registry.address, abi: participantRegistryAbi, client });
  const tokenContract = getContract({ address: token.address, abi: settlementTokenAbi, client });
  progress('binding the market as the token ledger');
  await confirm(connection, 'bind ledger', () => tokenContract.write.bindLedger([market.address]));
  progress('granting the settlement agent role and naming the public grid');
  const agentRole = await registryContract.read.SETTLEMENT_AGENT_ROLE();
  await confirm(connection, 'grant settlement agent', () =>
    registryContract.write.grantRole([agentRole, options.settlementAgent]),
  );
  await confirm(connection, 'set public grid', () =>
    registryContract.write.setPublicGrid([options.publicGrid]),
  );
  const continuousMarket =
    options.continuousMarket === undefined
      ? undefined
      : await deployContinuousMarket(connection, {
          operator: options.operator,
          registry: registry.address,
          token: token.address,
          periodicMarket: market.address,
          settings: options.continuousMarket,
          ...(forwardRights === undefined ? {} : { forwardRights }),
          onProgress: progress,
        });
  if (forwardRights !== undefined)
    await bindForwardRights(connection, {
      operator: options.operator,
      forwardRights,
      market: market.address,
      token: token.address,
      onProgress: progress,
    });
  const subsidyPool = options.subsidyPool
    ? await deploySubsidyPool(connection, {
        operator: options.operator,
        deployment: { registry: registry.address, token: token.address, market: market.address },
        onProgress: progress,
      })
    : undefined;
  return {
    chainId: connection.chain.id,
    registry: registry.address,
    token: token.address,
    market: market.address,
    fromBlock: registry.block,
    operator: options.operator.address,
    settlementAgent: options.settlementAgent,
    publicGrid: options.publicGrid,
    mechanism,
    ...(continuousMarket === undefined ? {} : { continuousMarket }),
    ...(subsidyPool === undefined ? {} : { subsidyPool }),
    ...(maintenancePlans === undefined ? {} : { maintenancePlans }),
    ...(gridConnections === undefined ? {} : { gridConnections }),
    ...(forwardRights === undefined ? {} : { forwardRights }),
  };
}

/** What the continuous market moves tokens for: its fills and their charges, its settlements and their debts. */
const CONTINUOUS_MARKET_REASONS = [
  TOKEN_REASON_CODE.trade,
  TOKEN_REASON_CODE.imbalance,
  TOKEN_REASON_CODE.incentive,
  TOKEN_REASON_CODE['debt-repayment'],
  TOKEN_REASON_CODE['wheeling-fee'],
  TOKEN_REASON_CODE.levy,
];

/**
 * Deploys the continuous double auction next to a platform's registry, token and sealed-bid market
 * (whose period clock, settlement rates and meter-reading domain it shares), and adds it to the
 * token as a second ledger whose holds bound withdrawals. `operator` must hold the registry's
 * default admin role. `holdFunds: false` leaves out the holds: only the contract = core test uses
 * it, to take money from a resting buyer by a withdrawal the way the sealed-bid market's trades and
 * settlements can, and so reach the market's void rule.
 */
export async function deployContinuousMarket(
  connection: ChainConnection,
  options: {
    readonly operator: Account;
    readonly registry: Address;
    readonly token: Address;
    readonly periodicMarket: Address;
    readonly settings: ContinuousMarketSettings;
    readonly holdFunds?: boolean;
    /** The deployment's forward rights, bound to the continuous market when given. */
    readonly forwardRights?: Address;
    readonly onProgress?: (step: string) => void;
  },
): Promise<Address> {
  const wallet = connection.wallet(options.operator);
  const progress = options.onProgress ?? (() => {});
  progress('deploying ContinuousMarket');
  const receipt = await confirm(connection, 'deploy ContinuousMarket', () =>
    wallet.deployContract({
      abi: continuousMarketAbi,
      bytecode: continuousMarketBytecode,
      args: [
        options.registry,
        options.token,
        options.periodicMarket,
        options.settings.gateClosureSeconds,
        options.settings.marginAmount,
      ],
    }),
  );
  if (receipt.contractAddress == null) throw new Error('deploying ContinuousMarket created no contract');
  const address = getAddress(receipt.contractAddress);
  progress('adding the continuous market as a second token ledger');
  const token = getContract({
    address: options.token,
    abi: settlementTokenAbi,
    client: { public: connection.publicClient, wallet },
  });
  await confirm(connection, 'add ledger', () => token.write.addLedger([address, CONTINUOUS_MARKET_REASONS]));
  if (options.forwardRights !== undefined)
    await bindContinuousMarketToForwardRights(connection, {
      operator: options.operator,
      forwardRights: options.forwardRights,
      continuousMarket: address,
    });
  // Withdrawals go through the sealed-bid market, which cannot see this market's margins and debts.
  if (options.holdFunds === false) return address;
  await confirm(connection, 'add funds holder', () => token.write.addFundsHolder([address]));
  return address;
}
