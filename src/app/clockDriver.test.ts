import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAnvil } from '../chain/anvil.ts';
import { connectChain } from '../chain/connection.ts';
import { nextWindowEdge, periodWindows, type PeriodSchedule } from '../core/periodClock.ts';
import { createClockDriver } from './clockDriver.ts';

describe('the accelerated clock', () => {
  it('runs at its speed, and stops at each window edge when a heartbeat comes late', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-clock-'));
    const chain = await startAnvil({ dataDir });
    try {
      const connection = await connectChain(chain.rpcUrl, { embedded: true, pollingIntervalMs: 10 });
      const start = (await connection.publicClient.getBlock()).timestamp;
      const schedule: PeriodSchedule = {
        genesis: start + 2_000n,
        periodSeconds: 900,
        commitSeconds: 180,
        revealSeconds: 120,
        readingSeconds: 600,
      };
      let wallMs = 1_000_000;
      const clock = await createClockDriver(
        connection,
        40,
        () => wallMs,
        (t) => nextWindowEdge(schedule, t),
      );
      const w = periodWindows(schedule, 2n);

      // On time: 0.5 s of wall time is 20 s of chain time.
      wallMs += 500;
      expect(await clock.tick()).toBe(start + 20n);

      // A heartbeat 60 s late would jump 2,400 s, over period 1's and 2's windows: it stops at the
      // first edge instead, and each later tick at the next, so every window is seen open.
      wallMs += 60_000;
      const first = periodWindows(schedule, 1n).commitOpens;
      expect(await clock.tick()).toBe(first);
      const seen = [first];
      for (let i = 0; i < 6; i++) {
        wallMs += 60_000;
        seen.push(await clock.tick());
      }
      expect(seen).toContain(w.commitOpens);
      expect(seen).toContain(w.commitCloses);
      expect(seen).toContain(w.revealCloses);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBe(nextWindowEdge(schedule, seen[i - 1]!));

      // On time again: it runs at its speed from the last edge.
      wallMs += 500;
      expect(await clock.tick()).toBe(seen[seen.length - 1]! + 20n);
    } finally {
      await chain.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
