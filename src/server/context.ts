/** What the API's routes work with: the platform's running services, passed in by whoever starts it. */
import type { EventEmitter } from 'node:events';
import type { Account } from 'viem';
import type { WattLedgerConfig } from '../config/config.ts';
import type { PeriodSchedule } from '../core/periodClock.ts';
import type { PlatformAccounts } from '../chain/devAccounts.ts';
import type { Platform } from '../chain/platform.ts';
import type { SubsidyPool } from '../chain/subsidyPool.ts';
import type { MaintenancePlans } from '../chain/maintenancePlans.ts';
import type { GridConnections } from '../chain/gridConnections.ts';
import type { ForwardRights } from '../chain/forwardRights.ts';
import type { BidBook } from '../app/bidBook.ts';
import type { ContinuousOrders } from '../app/continuousOrders.ts';
import type { ChainLock } from '../app/chainLock.ts';
import type { PlatformClock } from '../app/clockDriver.ts';
import type { MeterFleet } from '../app/meterFleet.ts';
import type { PlatformStore } from '../app/platformStore.ts';
import type { Users } from '../app/users.ts';
import type { PlatformHealth } from '../app/health.ts';
import type { ReadModel } from '../app/readModel.ts';

export interface ApiContext {
  readonly config: WattLedgerConfig;
  readonly platform: Platform;
  /** The subsidy pool, when the deployment has one. */
  readonly subsidyPool: SubsidyPool | undefined;
  /** The grid company's maintenance plans, when the deployment has them. */
  readonly maintenancePlans: MaintenancePlans | undefined;
  /** The grid company's connection register (wheeling fees and levies), when the deployment has one. */
  readonly gridConnections: GridConnections | undefined;
  /** The forward rights (large-user direct purchase), when the deployment has them. */
  readonly forwardRights: ForwardRights | undefined;
  readonly accounts: Pick<PlatformAccounts, 'operator' | 'settlementAgent' | 'publicGrid'> & {
    relayer: Account;
  };
  readonly schedule: PeriodSchedule;
  readonly clock: PlatformClock;
  readonly lock: ChainLock;
  readonly store: PlatformStore;
  readonly users: Users;
  readonly bidBook: BidBook;
  /** Orders of the continuous market, on a deployment whose mechanism is continuous. */
  readonly continuousOrders: ContinuousOrders | undefined;
  readonly meters: MeterFleet;
  readonly readModel: ReadModel;
  /** Live updates for server-sent events: 'clock', 'block', 'period', 'bids'. */
  readonly events: EventEmitter;
  health(): Promise<PlatformHealth>;
  /** Wakes the platform's heartbeat (a bid to commit at once). */
  nudge(): void;
  /** The last block in the read model: what an answer computed from it depends on. */
  indexedBlock(): number;
  /** Indexes what the chain has now, so an answer includes the transaction just mined. */
  syncReadModel(): Promise<void>;
  /** The delivery periods that start on a chain day, `YYYY-MM-DD` (UTC). */
  periodsOfDay(date: string): { from: bigint; to: bigint };
}
