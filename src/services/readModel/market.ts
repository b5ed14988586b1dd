/** Market-wide records: the parameters in force, the public grid's account. */
import type { Address } from 'viem';
import { fromContractParameters, type MarketParameters } from '../../chain/deploy.ts';
import type { ReadModelDb } from '../indexer/schema.ts';
import { decodeStoredLog } from './explorer.ts';
import type { ChainLocation } from './records.ts';

interface LastLog {
  contract: 'registry' | 'token' | 'market';
  topics: string;
  data: string;
  transaction_hash: string;
  block_number: number;
}

const lastLog = (db: ReadModelDb, event: string) =>
  db
    .prepare('SELECT * FROM logs WHERE event = ? ORDER BY block_number DESC, log_index DESC LIMIT 1')
    .get(event) as LastLog | undefined;

/** The parameters of the last ParametersSet event; null before the deployment is indexed. */
export function marketParameters(db: ReadModelDb): (MarketParameters & ChainLocation) | null {
  const log = lastLog(db, 'ParametersSet');
  if (log === undefined) return null;
  const { parameters } = decodeStoredLog(log.contract, log.topics, log.data) as {
    parameters: Parameters<typeof fromContractParameters>[0];
  };
  return {
    ...fromContractParameters(parameters),
    transactionHash: log.transaction_hash as `0x${string}`,
    blockNumber: log.block_number,
  };
}

export function publicGridAccount(db: ReadModelDb): Address | null {
  const log = lastLog(db, 'PublicGridSet');
  if (log === undefined) return null;
  return (decodeStoredLog(log.contract, log.topics, log.data) as { account: Address }).account;
}
