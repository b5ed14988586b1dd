/**
 * Maintenance plans on chain: deploy the contract beside a platform, publish and cancel the grid
 * company's outage windows, and read them in the market core's shape.
 */
import {
  getAddress,
  getContract,
  hexToString,
  parseEventLogs,
  toHex,
  type Account,
  type Address,
  type Hex,
} from 'viem';
import { WattLedgerError } from '../core/errors.ts';
import type { MaintenancePlan } from '../core/maintenance.ts';
import type { ChainConnection } from './connection.ts';
import { maintenancePlansAbi, maintenancePlansBytecode } from './generated/MaintenancePlans.ts';
import { confirm, execute } from './transactions.ts';

export interface MaintenancePlans {
  readonly connection: ChainConnection;
  readonly address: Address;
  readonly read: ReturnType<typeof readContract>;
}

export interface PublishedPlan extends MaintenancePlan {
  /** The grid company's work order, as 32 bytes (text, right-padded with zeros). */
  readonly workOrder: Hex;
}

/** A work order as 32 bytes: its text, right-padded with zeros (at most 32 bytes of UTF-8). */
export function workOrderBytes(text: string): Hex {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length === 0 || bytes.length > 32)
    throw new WattLedgerError('INVALID_FIELD', 'workOrder: must be 1 to 32 bytes of text', {
      field: 'workOrder',
    });
  return toHex(bytes, { size: 32 });
}

/** The text of a work order written by `workOrderBytes`. */
export const workOrderText = (bytes: Hex): string => hexToString(bytes).replace(/\0+$/, '');

const readContract = (connection: ChainConnection, address: Address) =>
  getContract({ address, abi: maintenancePlansAbi, client: connection.publicClient });

export function openMaintenancePlans(
  connection: ChainConnection,
  deployment: { readonly maintenancePlans?: Address },
): MaintenancePlans | undefined {
  if (deployment.maintenancePlans === undefined) return undefined;
  return {
    connection,
    address: deployment.maintenancePlans,
    read: readContract(connection, deployment.maintenancePlans),
  };
}

export async function deployMaintenancePlans(
  connection: ChainConnection,
  options: {
    readonly operator: Account;
    readonly registry: Address;
    /** The market's clock: the plans count periods as the market does. */
    readonly schedule: { readonly genesis: bigint; readonly periodSeconds: number };
    readonly onProgress?: (step: string) => void;
  },
): Promise<Address> {
  options.onProgress?.('deploying MaintenancePlans');
  const receipt = await confirm(connection, 'deploy MaintenancePlans', () =>
    connection.wallet(options.operator).deployContract({
      abi: maintenancePlansAbi,
      bytecode: maintenancePlansBytecode,
      args: [options.registry, options.schedule.genesis, options.schedule.periodSeconds],
    }),
  );
  if (receipt.contractAddress == null) throw new Error('deploying MaintenancePlans created no contract');
  return getAddress(receipt.contractAddress);
}

export async function publishMaintenance(
  plans: MaintenancePlans,
  operator: Account,
  window: {
    readonly unitId: number;
    readonly fromPeriod: bigint;
    readonly toPeriod: bigint;
    readonly workOrder: Hex;
  },
): Promise<{ planId: number; transactionHash: Hex; blockNumber: bigint }> {
  const receipt = await execute(
    plans.connection,
    operator,
    {
      address: plans.address,
      abi: maintenancePlansAbi,
      functionName: 'publish',
      args: [window.unitId, window.fromPeriod, window.toPeriod, window.workOrder],
    },
    `publish unit ${window.unitId}'s maintenance`,
  );
  const [published] = parseEventLogs({
    abi: maintenancePlansAbi,
    eventName: 'MaintenancePublished',
    logs: receipt.logs,
  });
  return {
    planId: Number(published!.args.planId),
    transactionHash: receipt.transactionHash,
    blockNumber: receipt.blockNumber,
  };
}

export async function cancelMaintenance(plans: MaintenancePlans, operator: Account, planId: number) {
  return await execute(
    plans.connection,
    operator,
    { address: plans.address, abi: maintenancePlansAbi, functionName: 'cancel', args: [BigInt(planId)] },
    `cancel maintenance plan ${planId}`,
  );
}

/** Every plan ever published, cancelled ones included, in id order. */
export async function readMaintenancePlans(plans: MaintenancePlans): Promise<PublishedPlan[]> {
  const count = Number(await plans.read.read.planCount());
  return await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const p = await plans.read.read.plan([BigInt(i + 1)]);
      return {
        planId: i + 1,
        unitId: p.unitId,
        fromPeriod: BigInt(p.fromPeriod),
        toPeriod: BigInt(p.toPeriod),
        cancelled: p.cancelled,
        workOrder: p.workOrder,
      };
    }),
  );
}
