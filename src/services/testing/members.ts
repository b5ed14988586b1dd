/** Test fixtures: participants enrolled on a test chain with one bid each, described as a table. */
import type { ParticipantProfile } from '../../chain/participants.ts';
import type { PeriodBid } from '../../chain/periodDriver.ts';
import type { Enrolled, TestPlatform } from '../../chain/testing/testPlatform.ts';
import type { Side } from '../../core/bid.ts';
import { parseMoney, parsePricePerKwh } from '../../core/units.ts';

/** A participant and its bid: [name, kind, green supply, green preference, deposit, side, Wh, price per kWh]. */
export type Member = readonly [
  name: string,
  kind: ParticipantProfile['kind'],
  greenSupply: boolean,
  greenPreference: boolean,
  deposit: string,
  side: Side,
  quantityWh: bigint,
  pricePerKwh: string,
];

export const money = (text: string) => parseMoney(text, 'amount');
export const price = (text: string) => parsePricePerKwh(text, 'price');

/** Enrols the members in order (ids follow the table) and funds the public grid's float. */
export async function enrolMembers(t: TestPlatform, members: readonly Member[]): Promise<Enrolled[]> {
  const enrolled: Enrolled[] = [];
  for (const [name, kind, greenSupply, greenPreference, deposit] of members)
    enrolled.push(await t.enrol({ name, kind, greenSupply, greenPreference }, money(deposit)));
  await t.fundGrid(money('100'));
  return enrolled;
}

/** Each enrolled member's bid from the table. */
export const membersBids = (enrolled: readonly Enrolled[], members: readonly Member[]): PeriodBid[] =>
  members.map(([, , , , , side, quantityWh, pricePerKwh], i) => ({
    participant: enrolled[i]!.account,
    participantId: enrolled[i]!.id,
    intent: { side, quantityWh, pricePerWh: price(pricePerKwh) },
  }));
