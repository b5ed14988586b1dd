/**
 * The platform's clock. On the embedded chain it runs the chain's clock at `speed` times the wall
 * clock (a 15-minute period in 90 s at 10) by mining a block at the target time on every tick; on a
 * consortium network the chain follows the wall clock and this only reads it. Everything that acts on
 * the market's windows (bids, keeper, meters) asks this clock.
 */
import type { ChainConnection } from '../chain/connection.ts';

export interface PlatformClock {
  /** Chain time now, unix seconds (what the next block will at least carry). */
  now(): Promise<bigint>;
  /** Chain time now in ms, without a round trip: the meters' clock. */
  nowMs(): number;
  /** Moves the embedded chain's clock up to now; returns chain time. */
  tick(): Promise<bigint>;
  readonly speed: number;
  /** Runs the clock at another speed from now on (embedded chain only). */
  setSpeed(speed: number): void;
}

export async function createClockDriver(
  connection: ChainConnection,
  speed: number,
  wallClock: () => number = Date.now,
  /**
   * The next moment after a chain time at which the platform must act (a market window's edge). A
   * tick never moves the embedded chain past it: when heartbeats fall behind a fast clock, the clock
   * waits for them rather than skipping a window the platform never saw open.
   */
  nextStop: (chainTime: bigint) => bigint = () => BigInt(Number.MAX_SAFE_INTEGER),
): Promise<PlatformClock> {
  const latestTimestamp = async () => (await connection.publicClient.getBlock()).timestamp;
  const testClient = connection.testClient;
  if (testClient === undefined) {
    if (speed !== 1) throw new Error('only the embedded chain can run its clock faster than the wall clock');
    return {
      speed,
      setSpeed: () => {
        throw new Error('only the embedded chain can change its clock speed');
      },
      nowMs: () => wallClock(),
      now: async () => {
        const latest = await latestTimestamp();
        const wall = BigInt(Math.floor(wallClock() / 1000));
        return latest > wall ? latest : wall;
      },
      tick: async () => BigInt(Math.floor(wallClock() / 1000)),
    };
  }
  // Anchored where the chain stands now: a restart resumes from the last block, never going back.
  let anchorChainMs = Number(await latestTimestamp()) * 1000;
  let anchorWallMs = wallClock();
  let currentSpeed = speed;
  // Blocks mined back to back each add a second, so the chain can run ahead of the target; the clock
  // then carries on from the chain rather than waiting for the wall clock to catch up.
  let aheadMs = 0;
  const targetMs = () => anchorChainMs + aheadMs + currentSpeed * (wallClock() - anchorWallMs);
  const catchUp = (latest: bigint) => {
    const behind = Number(latest) * 1000 - targetMs();
    if (behind > 0) aheadMs += behind;
  };
  const target = () => BigInt(Math.floor(targetMs() / 1000));
  return {
    get speed() {
      return currentSpeed;
    },
    setSpeed(next: number) {
      anchorChainMs = targetMs();
      anchorWallMs = wallClock();
      aheadMs = 0;
      currentSpeed = next;
    },
    nowMs: targetMs,
    now: async () => {
      catchUp(await latestTimestamp());
      return target();
    },
    async tick() {
      const latest = await latestTimestamp();
      catchUp(latest);
      let t = target();
      if (t <= latest) return latest;
      const stop = nextStop(latest);
      if (t > stop) {
        // Behind: go to the edge and run on at speed from there.
        t = stop;
        anchorChainMs = Number(stop) * 1000;
        anchorWallMs = wallClock();
        aheadMs = 0;
      }
      await testClient.setNextBlockTimestamp({ timestamp: t });
      await testClient.mine({ blocks: 1 });
      return t;
    },
  };
}
