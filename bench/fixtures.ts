/** Shared set-up for benchmarks: a platform on a fresh embedded chain with many participants. */
import fc from 'fast-check';
import type { LocalAccount } from 'viem';
import { newAccount } from '../src/chain/devAccounts.ts';
import { enrolMany } from '../src/chain/participants.ts';
import { startTestPlatform, type TestPlatform } from '../src/chain/testing/testPlatform.ts';
import type { MarketParameters } from '../src/chain/deploy.ts';

export const UNIT = 10n ** 18n;

export interface Member {
  readonly id: number;
  readonly account: LocalAccount;
  readonly meter: LocalAccount;
  readonly sells: boolean;
  readonly green: boolean;
}

export async function benchPlatform(
  participants: number,
  log: (line: string) => void,
  parameters: Partial<MarketParameters> = {},
  options: { readonly gridConnections?: boolean } = {},
): Promise<{ t: TestPlatform; members: Member[] }> {
  const t = await startTestPlatform({ parameters, gridConnections: options.gridConnections });
  const traits = fc.sample(fc.tuple(fc.boolean(), fc.boolean()), { seed: 42, numRuns: participants });
  const people = traits.map(([sells, green], i) => ({
    account: newAccount(),
    meter: newAccount(),
    sells,
    green,
    i,
  }));
  const started = Date.now();
  const ids = await enrolMany(
    t.platform,
    {
      relayer: t.accounts.relayer,
      operator: t.accounts.operator,
      settlementAgent: t.accounts.settlementAgent,
    },
    people.map((p) => ({
      account: p.account,
      profile: { name: `bench ${p.i}`, kind: 'prosumer', greenSupply: p.green, greenPreference: p.green },
      meter: { address: p.meter.address, number: String(p.i + 1).padStart(12, '0') },
      deposit: 50n * UNIT,
    })),
    {
      onProgress: (done, total) =>
        (done % 1000 === 0 || done === total) && log(`  enrolled ${done}/${total}`),
    },
  );
  await t.fundGrid(1_000_000n * UNIT);
  log(`  ${participants} participants enrolled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    t,
    members: people.map((p, i) => ({
      id: ids[i]!,
      account: p.account,
      meter: p.meter,
      sells: p.sells,
      green: p.green,
    })),
  };
}

/** A bid that usually crosses: asks 0.60–0.72, bids 0.66–0.80 per kWh. */
export function benchIntent(member: Member, period: bigint, i: number) {
  const spread = BigInt((i * 7919 + Number(period) * 104_729) % 120);
  return member.sells
    ? { side: 'sell' as const, quantityWh: 200n + spread * 3n, pricePerWh: (600n + spread) * 10n ** 12n }
    : {
        side: 'buy' as const,
        quantityWh: 150n + spread * 4n,
        pricePerWh: (660n + (spread * 140n) / 120n) * 10n ** 12n,
      };
}

export const format = (n: bigint | number) => n.toLocaleString('en');

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
