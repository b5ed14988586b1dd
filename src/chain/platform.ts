/** Typed access to the deployed contracts, for reading and for writing as a given account. */
import { getContract, type Account } from 'viem';
import type { ChainConnection } from './connection.ts';
import type { Deployment } from './deploy.ts';
import { energyMarketAbi } from './generated/EnergyMarket.ts';
import { participantRegistryAbi } from './generated/ParticipantRegistry.ts';
import { settlementTokenAbi } from './generated/SettlementToken.ts';

/**
 * The market's ABI with the token's errors: a withdrawal's burn can be refused by the token (funds
 * another ledger holds, a balance too small), and the refusal should be named, not left undecoded.
 */
const marketAbi = [
  ...energyMarketAbi,
  ...settlementTokenAbi.filter((item) => item.type === 'error'),
] as const;

function readContracts(connection: ChainConnection, deployment: Deployment) {
  const client = connection.publicClient;
  return {
    registry: getContract({ address: deployment.registry, abi: participantRegistryAbi, client }),
    token: getContract({ address: deployment.token, abi: settlementTokenAbi, client }),
    market: getContract({ address: deployment.market, abi: marketAbi, client }),
  };
}

function writeContracts(connection: ChainConnection, deployment: Deployment, account: Account) {
  const client = { public: connection.publicClient, wallet: connection.wallet(account) };
  return {
    registry: getContract({ address: deployment.registry, abi: participantRegistryAbi, client }),
    token: getContract({ address: deployment.token, abi: settlementTokenAbi, client }),
    market: getContract({ address: deployment.market, abi: marketAbi, client }),
  };
}

export type ReadContracts = ReturnType<typeof readContracts>;
export type WriteContracts = ReturnType<typeof writeContracts>;

export interface Platform {
  readonly connection: ChainConnection;
  readonly deployment: Deployment;
  readonly read: ReadContracts;
  /** Contracts bound to `account` for writing (cached per address). */
  as(account: Account): WriteContracts;
}

export function openPlatform(connection: ChainConnection, deployment: Deployment): Platform {
  const writers = new Map<string, WriteContracts>();
  return {
    connection,
    deployment,
    read: readContracts(connection, deployment),
    as(account) {
      let contracts = writers.get(account.address);
      if (contracts === undefined) {
        contracts = writeContracts(connection, deployment, account);
        writers.set(account.address, contracts);
      }
      return contracts;
    },
  };
}
