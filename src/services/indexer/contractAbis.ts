/**
 * The deployment's contracts' ABIs by address (registry, token, sealed-bid market and, when deployed,
 * the continuous market), to decode logs and transaction inputs of one deployment.
 */
import { decodeEventLog, decodeFunctionData, getAddress, type Abi, type Address, type Hex } from 'viem';
import type { Deployment } from '../../chain/deploy.ts';
import { continuousMarketAbi } from '../../chain/generated/ContinuousMarket.ts';
import { energyMarketAbi } from '../../chain/generated/EnergyMarket.ts';
import { participantRegistryAbi } from '../../chain/generated/ParticipantRegistry.ts';
import { settlementTokenAbi } from '../../chain/generated/SettlementToken.ts';

export type ContractName = 'registry' | 'token' | 'market' | 'continuous';

export const CONTRACT_ABIS: Record<ContractName, Abi> = {
  registry: participantRegistryAbi,
  token: settlementTokenAbi,
  market: energyMarketAbi,
  continuous: continuousMarketAbi,
};

export interface DecodedEvent {
  readonly contract: ContractName;
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface ContractDirectory {
  readonly addresses: readonly Address[];
  contractAt(address: Address | null | undefined): ContractName | null;
  decodeEvent(contract: ContractName, topics: readonly Hex[], data: Hex): DecodedEvent | null;
  /** The called function's name and its first argument when it is a period (clear, settle, expire). */
  decodeCall(
    to: Address | null | undefined,
    input: Hex,
  ): { functionName: string | null; period: number | null };
}

const PERIOD_FIRST = new Set(['clear', 'settle', 'expire']);

export function contractDirectory(deployment: Deployment): ContractDirectory {
  const byAddress = new Map<string, ContractName>([
    [getAddress(deployment.registry), 'registry'],
    [getAddress(deployment.token), 'token'],
    [getAddress(deployment.market), 'market'],
    ...(deployment.continuousMarket === undefined
      ? []
      : [[getAddress(deployment.continuousMarket), 'continuous'] as const]),
  ]);
  const contractAt = (address: Address | null | undefined) =>
    address ? (byAddress.get(getAddress(address)) ?? null) : null;
  return {
    addresses: [...byAddress.keys()] as Address[],
    contractAt,
    decodeEvent(contract, topics, data) {
      try {
        const decoded = decodeEventLog({
          abi: CONTRACT_ABIS[contract],
          topics: topics as [Hex, ...Hex[]],
          data,
        });
        return {
          contract,
          name: decoded.eventName!,
          args: decoded.args as unknown as Record<string, unknown>,
        };
      } catch {
        // An event of a later contract version this build does not know: kept raw, not derived.
        return null;
      }
    },
    decodeCall(to, input) {
      const contract = contractAt(to);
      if (contract === null || input.length < 10) return { functionName: null, period: null };
      try {
        const call = decodeFunctionData({ abi: CONTRACT_ABIS[contract], data: input });
        const first = call.args?.[0];
        const period =
          PERIOD_FIRST.has(call.functionName) && typeof first === 'bigint' ? Number(first) : null;
        return { functionName: call.functionName, period };
      } catch {
        return { functionName: null, period: null };
      }
    },
  };
}
