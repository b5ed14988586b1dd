/**
 * A test platform with the continuous market deployed beside the sealed-bid market, for the
 * continuous market's tests and benchmark: traders that hold ether (they also place orders
 * directly), the period whose book is open, and a snapshot of everything a refusal must not change.
 */
import type { LocalAccount } from 'viem';
import { ContractRefusedError } from './errors.ts';
import { deployContinuousMarket, type ContinuousMarketSettings } from './deploy.ts';
import { openContinuousMarket, readBook, type ContinuousMarket } from './continuousMarket.ts';
import type { ParticipantKind } from './typedData.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from './testing/testPlatform.ts';

const sorted = (map: ReadonlyMap<string, bigint>) => [...map].sort(([a], [b]) => a.localeCompare(b));

export const CONTINUOUS_TEST_SETTINGS: ContinuousMarketSettings = {
  gateClosureSeconds: 300,
  marginAmount: 10n ** 15n,
};

export interface ContinuousTestPlatform {
  readonly t: TestPlatform;
  readonly market: ContinuousMarket;
  /** Enrols a participant of `kind` with a deposit and some ether to send its own transactions. */
  trader(name: string, kind: ParticipantKind, depositAmount: bigint): Promise<Enrolled>;
  /** The first period whose book stays open for at least `seconds` more. */
  openPeriod(seconds?: bigint): Promise<bigint>;
  /** Moves the chain's clock to `period`'s gate closure. */
  closeGate(period: bigint): Promise<void>;
  /** Everything of `period` and of `ids` a refusal must leave as it was, as comparable text. */
  snapshot(period: bigint, ids: readonly number[], accounts: readonly LocalAccount[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startContinuousTestPlatform(
  settings: ContinuousMarketSettings = CONTINUOUS_TEST_SETTINGS,
  options: {
    readonly holdFunds?: boolean;
    readonly gridConnections?: boolean;
    readonly maintenancePlans?: boolean;
    readonly forwardRights?: boolean;
  } = {},
): Promise<ContinuousTestPlatform> {
  const t = await startTestPlatform({
    gridConnections: options.gridConnections ?? false,
    maintenancePlans: options.maintenancePlans ?? false,
    forwardRights: options.forwardRights ?? false,
  });
  const address = await deployContinuousMarket(t.connection, {
    operator: t.accounts.operator,
    registry: t.platform.deployment.registry,
    token: t.platform.deployment.token,
    periodicMarket: t.platform.deployment.market,
    settings,
    holdFunds: options.holdFunds,
    ...(t.platform.deployment.forwardRights === undefined
      ? {}
      : { forwardRights: t.platform.deployment.forwardRights }),
  });
  const market = openContinuousMarket(t.connection, address);
  const now = () => t.clock.now();
  return {
    t,
    market,
    async trader(name, kind, depositAmount) {
      const enrolled = await t.enrol(
        {
          name,
          kind,
          greenSupply: false,
          greenPreference: false,
        },
        depositAmount,
      );
      await t.connection.testClient!.setBalance({ address: enrolled.account.address, value: 10n ** 20n });
      return enrolled;
    },
    async openPeriod(seconds = 600n) {
      const at = (await now()) + seconds;
      let period = 1n;
      while ((await market.read.read.gateClosure([period])) <= at) period += 1n;
      return period;
    },
    async closeGate(period) {
      await t.clock.advanceTo(await market.read.read.gateClosure([period]));
    },
    async snapshot(period, ids, accounts) {
      const book = await readBook(market, period, ids);
      const nonces = await Promise.all(accounts.map((a) => market.read.read.nonces([a.address])));
      const supply = await t.platform.read.token.read.totalSupply();
      return JSON.stringify(
        { ...book, balances: sorted(book.balances!), reserved: sorted(book.reserved), nonces, supply },
        (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
      );
    },
    stop: () => t.stop(),
  };
}

/** The contract's refusal of `action`; fails when the action went through or failed otherwise. */
export async function refusalOf(action: Promise<unknown>): Promise<ContractRefusedError> {
  const outcome = await action.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome instanceof ContractRefusedError) return outcome;
  throw new Error(
    `expected the contract to refuse, got ${outcome === undefined ? 'success' : String(outcome)}`,
  );
}

/** The contract's refusal of `action` as its error name followed by its arguments as text. */
export async function refusalNamed(action: Promise<unknown>): Promise<string[]> {
  const e = await refusalOf(action);
  return [e.errorName, ...e.args.map(String)];
}
