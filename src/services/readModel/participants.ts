/** Registered participants as the registry's events leave them. */
import { getAddress, type Address } from 'viem';
import type { ParticipantKind } from '../../chain/typedData.ts';
import type { ReadModelDb } from '../indexer/schema.ts';
import { at, type ChainLocation } from './records.ts';

export interface ParticipantView extends ChainLocation {
  readonly id: number;
  readonly name: string;
  readonly kind: ParticipantKind;
  readonly greenSupply: boolean;
  readonly greenPreference: boolean;
  readonly authorised: boolean;
  readonly account: Address;
  readonly meter: { address: Address; number: string } | null;
}

interface ParticipantRow {
  id: number;
  account: string;
  name: string;
  kind: ParticipantKind;
  green_supply: number;
  green_preference: number;
  authorised: number;
  meter_address: string | null;
  meter_number: string | null;
  transaction_hash: string;
  block_number: number;
}

const fromRow = (r: ParticipantRow): ParticipantView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  greenSupply: r.green_supply === 1,
  greenPreference: r.green_preference === 1,
  authorised: r.authorised === 1,
  account: r.account as Address,
  meter:
    r.meter_address === null || r.meter_number === null
      ? null
      : { address: r.meter_address as Address, number: r.meter_number },
  ...at(r),
});

export function listParticipants(db: ReadModelDb): ParticipantView[] {
  return (db.prepare('SELECT * FROM participants ORDER BY id').all() as ParticipantRow[]).map(fromRow);
}

export function participantById(db: ReadModelDb, id: number): ParticipantView | null {
  const row = db.prepare('SELECT * FROM participants WHERE id = ?').get(id) as ParticipantRow | undefined;
  return row === undefined ? null : fromRow(row);
}

export function participantByAccount(db: ReadModelDb, account: Address): ParticipantView | null {
  const row = db.prepare('SELECT * FROM participants WHERE account = ?').get(getAddress(account)) as
    ParticipantRow | undefined;
  return row === undefined ? null : fromRow(row);
}
