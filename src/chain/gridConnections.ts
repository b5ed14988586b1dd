/**
 * The grid company's connection register on chain (GridConnections.sol): deploy it, set voltage
 * levels, the levy, participants' connections, feeders' transformers and capacity limits, and read
 * them in the market core's shape.
 */
import { getAddress, getContract, type Account, type Address } from 'viem';
import {
  chargesByParticipant,
  MAX_VOLTAGE_LEVELS,
  type GridConnection,
  type GridTariff,
  type TradeCharges,
  type VoltageLevel,
} from '../core/gridFees.ts';
import {
  assetKey,
  CAPACITY_ASSETS,
  type CapacityAsset,
  type ClearingCapacity,
} from '../core/gridCapacity.ts';
import type { ChainConnection } from './connection.ts';
import { gridConnectionsAbi, gridConnectionsBytecode } from './generated/GridConnections.ts';
import { confirm, execute } from './transactions.ts';

export interface GridConnections {
  readonly connection: ChainConnection;
  readonly address: Address;
  readonly read: ReturnType<typeof readContract>;
}

const readContract = (connection: ChainConnection, address: Address) =>
  getContract({ address, abi: gridConnectionsAbi, client: connection.publicClient });

export function openGridConnections(
  connection: ChainConnection,
  deployment: { readonly gridConnections?: Address },
): GridConnections | undefined {
  if (deployment.gridConnections === undefined) return undefined;
  return {
    connection,
    address: deployment.gridConnections,
    read: readContract(connection, deployment.gridConnections),
  };
}

export async function deployGridConnections(
  connection: ChainConnection,
  options: {
    readonly operator: Account;
    readonly registry: Address;
    readonly onProgress?: (step: string) => void;
  },
): Promise<Address> {
  options.onProgress?.('deploying GridConnections');
  const receipt = await confirm(connection, 'deploy GridConnections', () =>
    connection.wallet(options.operator).deployContract({
      abi: gridConnectionsAbi,
      bytecode: gridConnectionsBytecode,
      args: [options.registry],
    }),
  );
  if (receipt.contractAddress == null) throw new Error('deploying GridConnections created no contract');
  return getAddress(receipt.contractAddress);
}

export async function setVoltageLevel(grid: GridConnections, operator: Account, level: VoltageLevel) {
  return await execute(
    grid.connection,
    operator,
    {
      address: grid.address,
      abi: gridConnectionsAbi,
      functionName: 'setLevel',
      args: [
        BigInt(level.level),
        BigInt(level.nominalVolts),
        level.transmissionPerWh,
        level.sameLevelFeePerWh,
      ],
    },
    `set voltage level ${level.level}`,
  );
}

export async function setLevy(grid: GridConnections, operator: Account, levyPerWh: bigint) {
  return await execute(
    grid.connection,
    operator,
    { address: grid.address, abi: gridConnectionsAbi, functionName: 'setLevy', args: [levyPerWh] },
    'set the levy',
  );
}

export async function setGridConnection(
  grid: GridConnections,
  operator: Account,
  participantId: number,
  connection: GridConnection,
) {
  return await execute(
    grid.connection,
    operator,
    {
      address: grid.address,
      abi: gridConnectionsAbi,
      functionName: 'setConnection',
      args: [participantId, BigInt(connection.level), BigInt(connection.feeder)],
    },
    `connect participant ${participantId}`,
  );
}

/** The voltage levels set and the levy, as the core takes them. */
export async function readGridTariff(grid: GridConnections): Promise<GridTariff> {
  const [levels, levyPerWh] = await Promise.all([
    Promise.all(
      Array.from({ length: MAX_VOLTAGE_LEVELS }, async (_, i) => ({
        id: i + 1,
        level: await grid.read.read.levelOf([BigInt(i + 1)]),
      })),
    ),
    grid.read.read.levyPerWh(),
  ]);
  return {
    levels: new Map(
      levels
        .filter(({ level }) => level.nominalVolts !== 0)
        .map(({ id, level }) => [
          id,
          {
            level: id,
            nominalVolts: level.nominalVolts,
            transmissionPerWh: level.transmissionPerWh,
            sameLevelFeePerWh: level.sameLevelFeePerWh,
          },
        ]),
    ),
    levyPerWh,
  };
}

/** Each listed participant's connection (level 0: not connected). */
export async function readGridConnections(
  grid: GridConnections,
  participantIds: readonly number[],
): Promise<Map<number, GridConnection>> {
  const found = await Promise.all(
    participantIds.map(async (id) => [id, await grid.read.read.connectionOf([id])] as const),
  );
  return new Map(found.map(([id, c]) => [id, { level: c.level, feeder: c.feeder }]));
}

/**
 * What each trade between the listed participants pays the grid per Wh, keyed by the core's
 * participant (the id as text); undefined when no register is deployed or no fee is configured.
 */
export async function clearingCharges(
  grid: GridConnections | undefined,
  participantIds: readonly number[],
): Promise<((seller: string, buyer: string) => TradeCharges) | undefined> {
  if (grid === undefined || !(await grid.read.read.feesActive())) return undefined;
  const [tariff, connections] = await Promise.all([
    readGridTariff(grid),
    readGridConnections(grid, participantIds),
  ]);
  return chargesByParticipant(tariff, (participant) => connections.get(Number(participant))?.level ?? 0);
}

/** Hangs a feeder on a transformer (0: none). */
export async function setFeederTransformer(
  grid: GridConnections,
  operator: Account,
  feeder: number,
  transformer: number,
) {
  return await execute(
    grid.connection,
    operator,
    {
      address: grid.address,
      abi: gridConnectionsAbi,
      functionName: 'setFeederTransformer',
      args: [feeder, transformer],
    },
    `hang feeder ${feeder} on transformer ${transformer}`,
  );
}

/** Sets an asset's default limit in Wh per period (null: no limit). */
export async function setCapacityLimit(
  grid: GridConnections,
  operator: Account,
  asset: CapacityAsset,
  id: number,
  capacityWh: bigint | null,
) {
  return await execute(
    grid.connection,
    operator,
    {
      address: grid.address,
      abi: gridConnectionsAbi,
      functionName: 'setCapacity',
      args: [
        CAPACITY_ASSETS.indexOf(asset),
        id,
        { limited: capacityWh !== null, capacityWh: capacityWh ?? 0n },
      ],
    },
    `set the capacity of ${asset} ${id}`,
  );
}

/**
 * Gives an asset its own limit in `period`: a number of Wh, null to lift the default for the
 * period, or undefined to return it to the default.
 */
export async function setPeriodCapacityLimit(
  grid: GridConnections,
  operator: Account,
  period: bigint,
  asset: CapacityAsset,
  id: number,
  capacityWh: bigint | null | undefined,
) {
  return await execute(
    grid.connection,
    operator,
    {
      address: grid.address,
      abi: gridConnectionsAbi,
      functionName: 'setPeriodCapacity',
      args: [
        period,
        CAPACITY_ASSETS.indexOf(asset),
        id,
        { set: capacityWh !== undefined, limited: capacityWh != null, capacityWh: capacityWh ?? 0n },
      ],
    },
    `set the capacity of ${asset} ${id} in period ${period}`,
  );
}

/** An asset's limit in force for `period` (null: none) and what `market` has reserved of it there. */
export async function readPeriodCapacity(
  grid: GridConnections,
  market: Address,
  period: bigint,
  asset: CapacityAsset,
  id: number,
): Promise<{ limitWh: bigint | null; usedWh: bigint }> {
  const [limited, capacityWh, usedWh] = await grid.read.read.capacityInPeriod([
    market,
    period,
    CAPACITY_ASSETS.indexOf(asset),
    id,
  ]);
  return { limitWh: limited ? capacityWh : null, usedWh };
}

/**
 * The capacity limits of `period` over the listed participants' feeders and their transformers, and
 * what `market` has reserved of them, as the core's clearing takes them; undefined when no register
 * is deployed or no limit is configured.
 */
export async function clearingCapacity(
  grid: GridConnections | undefined,
  market: Address,
  period: bigint,
  participantIds: readonly number[],
): Promise<ClearingCapacity | undefined> {
  if (grid === undefined || !(await grid.read.read.capacityActive())) return undefined;
  const connections = await readGridConnections(grid, participantIds);
  const feeders = [...new Set([...connections.values()].map((c) => c.feeder).filter((f) => f !== 0))];
  const transformers = new Map(
    await Promise.all(feeders.map(async (f) => [f, await grid.read.read.transformerOf([f])] as const)),
  );
  const assets = [
    ...feeders.map((id) => ['feeder', id] as const),
    ...[...new Set(transformers.values())].filter((t) => t !== 0).map((id) => ['transformer', id] as const),
  ];
  const states = await Promise.all(
    assets.map(async ([asset, id]) => ({
      key: assetKey(asset, id),
      ...(await readPeriodCapacity(grid, market, period, asset, id)),
    })),
  );
  const limits = new Map(states.map((s) => [s.key, s.limitWh] as const));
  return {
    limits: {
      feederOf: (participant) => connections.get(Number(participant))?.feeder ?? 0,
      transformerOf: (feeder) => transformers.get(feeder) ?? 0,
      limitWh: (asset, id) => limits.get(assetKey(asset, id)) ?? undefined,
    },
    usedWh: new Map(states.map((s) => [s.key, s.usedWh] as const)),
  };
}

/**
 * The feeders and transformers the operator has configured (a transformer assignment, a default or a
 * period's own limit), from the register's events, plus `feeders` (e.g. the participants'): what a
 * capacity overview lists. The contract keeps no list of them.
 */
export async function configuredCapacityAssets(
  grid: GridConnections,
  fromBlock: bigint,
  feeders: readonly number[],
): Promise<{ feeders: number[]; transformers: number[] }> {
  const [hung, defaults, own] = await Promise.all([
    grid.read.getEvents.FeederTransformerSet({}, { fromBlock }),
    grid.read.getEvents.CapacitySet({}, { fromBlock }),
    grid.read.getEvents.PeriodCapacitySet({}, { fromBlock }),
  ]);
  const found = { feeder: new Set(feeders.filter((f) => f !== 0)), transformer: new Set<number>() };
  for (const log of hung) {
    found.feeder.add(log.args.feeder!);
    if (log.args.transformer! !== 0) found.transformer.add(log.args.transformer!);
  }
  for (const log of [...defaults, ...own]) found[CAPACITY_ASSETS[log.args.asset!]!].add(log.args.id!);
  const sorted = (ids: Set<number>) => [...ids].sort((a, b) => a - b);
  return { feeders: sorted(found.feeder), transformers: sorted(found.transformer) };
}
