/**
 * The chain's clock. On the embedded chain a simulation moves it forward (a 96-period day runs in
 * seconds); a real deployment follows wall-clock time and only waits.
 */
import type { ChainConnection } from './connection.ts';

export interface ChainClock {
  /** The latest block's timestamp, unix seconds. */
  now(): Promise<bigint>;
  /** Makes sure the next block is at or after `timestamp`. */
  advanceTo(timestamp: bigint): Promise<void>;
}

export function simulatedClock(connection: ChainConnection): ChainClock {
  const testClient = connection.testClient;
  if (testClient === undefined) throw new Error('a simulated clock needs the embedded chain (anvil)');
  const now = async () => (await connection.publicClient.getBlock()).timestamp;
  return {
    now,
    async advanceTo(timestamp) {
      if ((await now()) >= timestamp) return;
      await testClient.setNextBlockTimestamp({ timestamp });
      await testClient.mine({ blocks: 1 });
    },
  };
}

/** Waits for wall-clock time (a consortium network produces blocks on its own). */
export function wallClock(
  connection: ChainConnection,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): ChainClock {
  return {
    now: async () => (await connection.publicClient.getBlock()).timestamp,
    async advanceTo(timestamp) {
      const waitMs = Number(timestamp) * 1000 - Date.now();
      if (waitMs > 0) await sleep(waitMs + 250);
    },
  };
}

/**
 * anvil forgets how far a simulation moved its clock when it reloads its state, and would then mine
 * blocks earlier than the last one. This puts the clock back at the last block, so time never runs
 * backwards across a restart.
 */
export async function restoreMonotonicClock(connection: ChainConnection): Promise<void> {
  const testClient = connection.testClient;
  if (testClient === undefined) return;
  const latest = await connection.publicClient.getBlock();
  if (latest.timestamp * 1000n > BigInt(Date.now())) {
    await testClient.setNextBlockTimestamp({ timestamp: latest.timestamp + 1n });
    await testClient.mine({ blocks: 1 });
  }
}
