import { runCaseStudyPeriod, type CaseStudyPeriodReport } from '../../app/caseStudyPeriod.ts';
import { startPlatformRuntime } from '../../app/platformRuntime.ts';
import { formatKwh, formatMoney, formatPricePerKwh } from '../../core/units.ts';
import { averagePricePerKwh } from '../../core/trade.ts';
import { parseCommandArgs, type Command, type Output } from '../command.ts';
import { CONFIG_HELP, CONFIG_OPTIONS, configFromArgs } from '../configOptions.ts';
import { formatTable } from '../table.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'starts the embedded chain and trades the next period of the reference case study',
  help: `Usage: wattledger start [options]

Starts the embedded Ethereum chain (anvil) with its state kept in the data folder, deploys the
contracts on first start (then finds them again), enrols the reference case study's participants
(a wind producer, a controllable source, an EV charging operator, a regular load and the public
grid) and trades one 15-minute period end to end — sealed bids committed and revealed through the
relayer, clearing verified on chain, signed meter readings, imbalance and incentive settlement —
moving the chain clock from window to window. Every step and transaction is printed. Run it again to
trade the next period: balances and trades carry over.

Options:
${CONFIG_HELP}
  -h, --help        show this text
`,
  async run(args, output) {
    const { values } = parseCommandArgs(args, CONFIG_OPTIONS, { min: 0, max: 0, names: '' });
    if (values.help) {
      output.out(this.help);
      return 0;
    }
    const config = await configFromArgs(values);
    const started = Date.now();
    const step = (line: string) => output.out(`· ${line}\n`);
    output.out('WattLedger — reference case study, one trading period on the embedded chain\n\n');
    const runtime = await startPlatformRuntime(config, step);
    try {
      const { deployment } = runtime.platform;
      output.out(
        `\nchain      ${runtime.chain!.rpcUrl} (chain id ${deployment.chainId})\n` +
          `contracts  registry ${deployment.registry}\n           token    ${deployment.token} (${config.token.symbol})\n           market   ${deployment.market}\n\n`,
      );
      const report = await runCaseStudyPeriod(runtime, step);
      printReport(output, report, config.token.symbol);
      output.out(
        `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Data kept in ${config.dataDir}; run \`npm start\` again to trade the next period.\n`,
      );
    } finally {
      await runtime.stop();
    }
    return 0;
  },
};

/** Money for reading in a terminal: six places, rounded half away from zero. Exact figures are on chain. */
function money(baseUnits: bigint): string {
  const step = 10n ** 12n;
  const magnitude = baseUnits < 0n ? -baseUnits : baseUnits;
  const rounded = ((magnitude + step / 2n) / step) * step;
  return formatMoney(baseUnits < 0n ? -rounded : rounded);
}

function printReport(output: Output, r: CaseStudyPeriodReport, unit: string): void {
  const name = (id: number) => r.participants.find((p) => p.id === id)?.role.profile.name ?? `#${id}`;
  const when = new Date(Number(r.deliveryStarts) * 1000).toISOString().replace('T', ' ').slice(0, 16);
  output.out(`\nPeriod ${r.period}, delivery from ${when} UTC (chain time)\n\n`);
  output.out('Sealed bids (committed as hashes, revealed after bidding closed)\n');
  output.out(
    `${formatTable(
      ['participant', 'side', 'green', 'kWh', `price ${unit}/kWh`],
      r.bids.map((b) => [
        b.participant.role.profile.name,
        b.side,
        b.participant.role.profile.greenSupply || b.participant.role.profile.greenPreference ? 'yes' : 'no',
        formatKwh(b.quantityWh, 3),
        formatPricePerKwh(b.pricePerWh),
      ]),
    )}\n\n`,
  );
  output.out(
    `Trades (green stage first, then all; mid-price)${r.matchesCore ? ' — identical to the market core' : ' — DIFFERENT from the market core'}\n`,
  );
  output.out(
    `${formatTable(
      ['seller', 'buyer', 'stage', 'kWh', `price ${unit}/kWh`, `paid ${unit}`],
      r.trades.map((t) => [
        name(t.sellerId),
        name(t.buyerId),
        t.stage,
        formatKwh(t.quantityWh, 3),
        formatPricePerKwh(t.pricePerWh),
        formatMoney(t.quantityWh * t.pricePerWh),
      ]),
    )}\n`,
  );
  output.out(
    r.averagePrice === null
      ? '  no trade: settled at the reference price\n\n'
      : `  market average price ${money(averagePricePerKwh(r.averagePrice))} ${unit}/kWh\n\n`,
  );
  output.out('Meter readings and settlement against the public grid (W′ 1.1, W″ 0.9, M′ 0.01, M″ 0.05;\n');
  output.out('amounts rounded to 0.000001 for display, exact to 10^-18 on chain)\n');
  output.out(
    `${formatTable(
      [
        'participant',
        'declared',
        'awarded',
        'actual',
        `imbalance ${unit}`,
        `reward ${unit}`,
        `penalty ${unit}`,
      ],
      r.settlements.map((s) => {
        const bid = r.bids.find((b) => b.participant.id === s.participantId)!;
        return [
          name(s.participantId),
          formatKwh(bid.quantityWh, 3),
          formatKwh(r.awardedWh.get(s.participantId) ?? 0n, 3),
          s.readingMissing ? 'missing' : formatKwh(s.actualWh, 3),
          money(s.imbalanceAmount),
          money(s.reward),
          money(-s.penalty),
        ];
      }),
    )}\n\n`,
  );
  output.out(
    'Wallets (token balances; the public grid is the counterparty of every imbalance and incentive)\n',
  );
  const walletRow = (label: string, before: bigint, after: bigint) => [
    label,
    money(before),
    money(after),
    money(after - before),
  ];
  output.out(
    `${formatTable(
      ['participant', `before ${unit}`, `after ${unit}`, `change ${unit}`],
      [
        ...r.participants.map((p) =>
          walletRow(p.role.profile.name, r.balancesBefore.get(p.id)!, r.balancesAfter.get(p.id)!),
        ),
        walletRow('Public grid', r.gridBefore, r.gridAfter),
      ],
    )}\n\n`,
  );
  const gas = r.transactions.reduce((sum, t) => sum + t.gasUsed, 0n);
  output.out(
    `Transactions (${r.transactions.length}, ${gas.toLocaleString('en')} gas; ${(gas / BigInt(r.participants.length)).toLocaleString('en')} gas per participant-period)\n`,
  );
  output.out(
    `${formatTable(
      ['step', 'gas', 'transaction'],
      r.transactions.map((t) => [t.step, t.gasUsed.toLocaleString('en'), t.hash]),
    )}\n`,
  );
  for (const refused of r.run.refused)
    output.out(`  refused: ${refused.what}: ${(refused.error as Error).message}\n`);
}
