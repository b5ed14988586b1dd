/**
 * The grid company's connection register on chain (GridConnections.sol): deploy it, set voltage
 * levels, the levy and participants' connections, and read them in the market core's shape.
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
