import { resolve } from 'node:path';
import { createRoleKeys, keysDir, readPassword } from '../../app/roleKeys.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';

export const keysCommand: Command = {
  name: 'keys',
  summary: "makes the platform's own keystores for a consortium network",
  help: `Usage: wattledger keys new --data-dir DIR --password-file FILE

Makes the keystores (Web3 Secret Storage v3, scrypt) of the platform's roles on a consortium network —
operator, settlement agent, relayer, public grid — in DIR/keys/, encrypted with the password in FILE,
keeping any that exist, and prints their addresses. Fund the operator (it deploys the contracts) and the
relayer (it pays the gas of every signed message, clearing and settlement) with the network's ether,
then run "wattledger start" with chain.mode "rpc" and keys.passwordFile (docs/configuration.md).
The embedded chain needs none of this.
`,
  async run(args, output) {
    const { values, positionals } = parseCommandArgs(
      args,
      { 'data-dir': { type: 'string' }, 'password-file': { type: 'string' } },
      { min: 0, max: 1, names: 'new' },
    );
    if (values.help || positionals.length === 0) {
      output.out(this.help);
      return values.help ? 0 : 2;
    }
    if (positionals[0] !== 'new') throw new UsageError(`unknown subcommand "${positionals[0]}" (try "new")`);
    if (typeof values['data-dir'] !== 'string') throw new UsageError('missing --data-dir');
    if (typeof values['password-file'] !== 'string') throw new UsageError('missing --password-file');
    const dataDir = resolve(values['data-dir']);
    const addresses = await createRoleKeys(dataDir, readPassword(resolve(values['password-file'])));
    output.out(`keystores in ${keysDir(dataDir)}\n`);
    for (const [role, address] of Object.entries(addresses)) output.out(`  ${role.padEnd(16)} ${address}\n`);
    output.out('fund the operator and the relayer with ether on the network before starting\n');
    return 0;
  },
};
