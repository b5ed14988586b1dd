/**
 * Signed messages per second through the relayer on the embedded chain: commits, reveals and meter
 * readings, each submitted many per transaction from the relayer's one funded account.
 */
import { periodWindows } from '../src/core/periodClock.ts';
import { sealBid, signReading } from '../src/chain/bidding.ts';
import { benchIntent, benchPlatform, format, table } from './fixtures.ts';

export async function relayerThroughput(messages: number, log: (line: string) => void) {
  log(`\nRelayer throughput, ${messages} participants, batches of 200`);
  const { t, members } = await benchPlatform(messages, log);
  try {
    const period = await t.nextOpenPeriod();
    const w = periodWindows(t.schedule, period);
    await t.clock.advanceTo(w.commitOpens);
    const rows: { kind: string; signSeconds: number; submitSeconds: number; transactions: number }[] = [];
    const measure = async (kind: string, sign: () => Promise<(() => Promise<unknown>)[]>) => {
      const signing = Date.now();
      const submits = await sign();
      const signSeconds = (Date.now() - signing) / 1000;
      const before = t.relayer.stats.transactions;
      const submitting = Date.now();
      const pending = submits.map((submit) => submit());
      await t.relayer.flush();
      await Promise.all(pending);
      rows.push({
        kind,
        signSeconds,
        submitSeconds: (Date.now() - submitting) / 1000,
        transactions: t.relayer.stats.transactions - before,
      });
    };
    const sealed = await Promise.all(
      members.map((m, i) =>
        sealBid(t.platform, m.account, period, benchIntent(m, period, i), undefined, m.id),
      ),
    );
    await measure('commit', async () => sealed.map((s) => () => t.relayer.commit(s.commit)));
    await t.clock.advanceTo(w.commitCloses);
    await measure('reveal', async () => sealed.map((s) => () => t.relayer.reveal(s.sealed)));
    await t.clock.advanceTo(w.deliveryEnds);
    await measure('reading', async () => {
      const signed = await Promise.all(
        members.map((m) =>
          signReading(t.platform, m.meter, { participantId: m.id, period, importWh: 10n, exportWh: 0n }),
        ),
      );
      return signed.map((r) => () => t.relayer.reading(r));
    });
    log(
      table(
        ['message', 'messages', 'transactions', 'signing s', 'submitting s', 'messages per second'],
        rows.map((r) => [
          r.kind,
          format(messages),
          format(r.transactions),
          r.signSeconds.toFixed(2),
          r.submitSeconds.toFixed(2),
          format(Math.round(messages / r.submitSeconds)),
        ]),
      ),
    );
    return rows.map((r) => ({ ...r, messages, messagesPerSecond: messages / r.submitSeconds }));
  } finally {
    await t.stop();
  }
}
