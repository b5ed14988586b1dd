/**
 * The platform API under concurrent clients on loopback: latency (median, p99) and throughput of bid
 * submission (server-side sealing, signing and storing) and of period queries, against 10, 100 and
 * 1,000 participants; plus the time the platform's heartbeat takes to commit and reveal them all.
 * A real server on 127.0.0.1, a real chain, real HTTP (fetch with keep-alive).
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { enrolMany } from '../src/chain/participants.ts';
import { encryptKeystore } from '../src/keys/keystore.ts';
import { startTestService } from '../src/server/testing/testService.ts';
import { UNIT } from './fixtures.ts';

interface Stats {
  readonly requests: number;
  readonly concurrency: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly perSecond: number;
  readonly failures: number;
}

async function load(requests: readonly (() => Promise<Response>)[], concurrency: number): Promise<Stats> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      const t0 = performance.now();
      const response = await request();
      await response.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (!response.ok) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    requests: requests.length,
    concurrency,
    medianMs: Number(at(0.5).toFixed(2)),
    p99Ms: Number(at(0.99).toFixed(2)),
    perSecond: Math.round(requests.length / seconds),
    failures,
  };
}

async function atScale(participants: number, concurrency: number, log: (line: string) => void) {
  const t = await startTestService({ caseStudy: false });
  try {
    const { platform, accounts, store } = t.service.context;
    // Participants enrolled in bulk on chain; their logins get a cheap scrypt so that setting up a
    // thousand of them does not dominate (logging in at the default cost is measured apart).
    const people = Array.from({ length: participants }, (_, i) => {
      const key = generatePrivateKey();
      return { key, account: privateKeyToAccount(key), sells: i % 2 === 0 };
    });
    const ids = await t.service.context.lock.run(() =>
      enrolMany(
        platform,
        { relayer: accounts.relayer, operator: accounts.operator, settlementAgent: accounts.settlementAgent },
        people.map((p, i) => ({
          account: p.account,
          profile: {
            name: `bench ${i}`,
            kind: 'prosumer',
            greenSupply: i % 3 === 0,
            greenPreference: i % 5 === 0,
          },
          deposit: 1_000n * UNIT,
        })),
      ),
    );
    for (const [i, p] of people.entries()) {
      store.addUser({
        username: `bench-${i}`,
        role: 'participant',
        participantId: ids[i]!,
        account: p.account.address,
        keystore: await encryptKeystore(p.key, `bench-password-${i}`, { n: 1024 }),
        custodyKeystore: null,
      });
    }
    await t.service.context.syncReadModel();
    const post = (path: string, body: unknown, token?: string) => () =>
      fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const tokens: string[] = [];
    const logins = await load(
      people.map((_, i) => async () => {
        const response = await post('/api/session', {
          username: `bench-${i}`,
          password: `bench-password-${i}`,
        })();
        tokens[i] = ((await response.clone().json()) as { token: string }).token;
        return response;
      }),
      concurrency,
    );
    const bids = await load(
      people.map((p, i) =>
        post(
          '/api/bids',
          {
            side: p.sells ? 'sell' : 'buy',
            quantity: `${1 + (i % 7)}.${i % 10}`,
            price: `0.${50 + (i % 40)}`,
          },
          tokens[i],
        ),
      ),
      concurrency,
    );
    // The heartbeat commits and reveals them through the relayer, in batches.
    const period = t.service.context.bidBook.nextBiddingPeriod(await t.service.context.clock.now());
    const w = t.windowsOf(period);
    const relayStarted = performance.now();
    await t.advanceTo(w.commitOpens + 1n);
    await t.advanceTo(w.commitCloses + 1n);
    const relaySeconds = (performance.now() - relayStarted) / 1000;
    await t.advanceTo(w.revealCloses + 1n);
    const queries = Array.from({ length: Math.max(200, participants) }, (_, i) =>
      i % 2 === 0 ? () => fetch(`${t.url}/api/periods/${period}`) : () => fetch(`${t.url}/api/market`),
    );
    const periodQueries = await load(queries, concurrency);
    const revealed = store.bidsWithStatus('revealed', period).length;
    const row = { participants, concurrency, logins, bids, periodQueries, relaySeconds, revealed };
    log(
      `${String(participants).padStart(6)} participants · bids ${bids.medianMs} ms median, ${bids.p99Ms} ms p99, ${bids.perSecond}/s` +
        ` · period queries ${periodQueries.medianMs} / ${periodQueries.p99Ms} ms, ${periodQueries.perSecond}/s` +
        ` · logins ${logins.medianMs} ms median · commit+reveal of all ${relaySeconds.toFixed(2)} s (${revealed} revealed)` +
        (bids.failures + periodQueries.failures > 0
          ? ` · FAILURES ${bids.failures + periodQueries.failures}`
          : ''),
    );
    return row;
  } finally {
    await t.stop();
  }
}

export async function apiLatency(scales: readonly number[], log: (line: string) => void) {
  log(`API on loopback, 16 concurrent clients (2-core machine; wall times vary ±20 %)`);
  const rows = [];
  for (const n of scales) rows.push(await atScale(n, 16, log));
  return rows;
}
