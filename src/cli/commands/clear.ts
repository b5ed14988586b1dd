import { clearRequest, formatClearOutcome, parseClearRequest } from '../../interchange/clearFile.ts';
import { parseCommandArgs, printJson, readJsonFile, type Command } from '../command.ts';

export const clearCommand: Command = {
  name: 'clear',
  summary: "clears one period's bids from a JSON file",
  help: `Usage: wattledger clear [--on-chain] FILE

Clears one period's bids and prints the result JSON on stdout (docs/interchange.md).

FILE holds { "mechanism": "green-first" | "uniform", "bids": [{ participant, side, green,
quantity, price }], "wallets"?: { NAME: { balance, margin } } } with every number a decimal string:
quantity in kWh (smallest step 0.001), price in currency units per kWh (smallest step 1e-15).
At equal prices the bid written earlier in the file goes first.

Options:
  --on-chain   clear the same bids with the contracts on a fresh embedded chain and print the
               same JSON plus "onChain": gas used and transaction hashes (green-first only;
               progress goes to stderr). Ties keep the file's order when some period's on-chain
               rotation allows it, as "onChain.tieBreak" says.
  -h, --help   show this text

Exits 1 with one line on stderr naming the field for bad input.
`,
  async run(args, output) {
    const { values, positionals } = parseCommandArgs(
      args,
      { 'on-chain': { type: 'boolean' } },
      { min: 1, max: 1, names: 'FILE' },
    );
    if (values.help) {
      output.out(this.help);
      return 0;
    }
    const request = parseClearRequest(await readJsonFile(positionals[0]!));
    if (values['on-chain'] === true) {
      const { clearOnChain } = await import('../onChainClear.ts');
      printJson(output, await clearOnChain(request, output));
      return 0;
    }
    printJson(output, formatClearOutcome(clearRequest(request), request));
    return 0;
  },
};
