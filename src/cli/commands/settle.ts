import { formatSettleOutcome, parseSettleRequest, settleRequest } from '../../interchange/settleFile.ts';
import { parseCommandArgs, printJson, readJsonFile, type Command } from '../command.ts';

export const settleCommand: Command = {
  name: 'settle',
  summary: 'imbalance and incentive settlement of one period from a JSON file',
  help: `Usage: wattledger settle FILE

Settles one period's imbalances against the public grid and the rewards and penalties for accurate
bids, with the pure market core, and prints the result JSON on stdout (docs/interchange.md).

FILE holds { "averagePrice", "parameters"?, "participants": [{ participant, side, declared,
awarded, actual }] } with every number a decimal string; kWh for energy, currency units per kWh for
the price. "actual": null means no reading arrived (settled by the missing-reading rule).
Amounts are signed from the participant's side and rounded to the token's base unit (1e-18):
what a participant pays is rounded up, what it receives rounded down.

Exits 1 with one line on stderr naming the field for bad input.
`,
  async run(args, output) {
    const { values, positionals } = parseCommandArgs(args, {}, { min: 1, max: 1, names: 'FILE' });
    if (values.help) {
      output.out(this.help);
      return 0;
    }
    const request = parseSettleRequest(await readJsonFile(positionals[0]!));
    printJson(output, formatSettleOutcome(request, settleRequest(request)));
    return 0;
  },
};
