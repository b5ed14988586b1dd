import { WattLedgerError } from '../core/errors.ts';
import { summarize } from '../chain/transactions.ts';
import { UsageError, type Command, type Output } from './command.ts';
import { clearCommand } from './commands/clear.ts';
import { settleCommand } from './commands/settle.ts';
import { meterCommand } from './commands/meter.ts';
import { startCommand } from './commands/start.ts';
import { keysCommand } from './commands/keys.ts';
import { simulateCommand } from './commands/simulate.ts';

const COMMANDS: readonly Command[] = [
  startCommand,
  clearCommand,
  settleCommand,
  meterCommand,
  simulateCommand,
  keysCommand,
];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: wattledger COMMAND [options]

WattLedger: peer-to-peer electricity trading on an Ethereum chain.

Commands:
${lines.join('\n')}

Run "wattledger COMMAND --help" for a command's options.
`;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the command line; returns the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.out(topHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    output.err(`wattledger: unknown command "${name}" (run "wattledger --help" for the list)\n`);
    return 2;
  }
  try {
    return await command.run(args, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`wattledger ${name}: ${error.message} (run "wattledger ${name} --help")\n`);
      return 2;
    }
    if (error instanceof WattLedgerError) {
      output.err(`wattledger ${name}: ${error.message}\n`);
      return 1;
    }
    output.err(`wattledger ${name}: unexpected error: ${summarize(error)}\n`);
    return 70;
  }
}
