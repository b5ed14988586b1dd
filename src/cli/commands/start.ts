import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startPlatformService } from '../../app/platformService.ts';
import { parseCommandArgs, type Command } from '../command.ts';
import { CONFIG_HELP, CONFIG_OPTIONS, configFromArgs } from '../configOptions.ts';

/** The web UI as `npm run build:web` leaves it. */
export const WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export const startCommand: Command = {
  name: 'start',
  summary: 'runs the platform: chain, keeper, indexer, meters, case study, API and web UI',
  help: `Usage: wattledger start [options]

Runs the platform on this machine until Ctrl-C: starts the embedded Ethereum chain (anvil) with its
state kept in the data folder (or connects to a node, chain.mode "rpc"), deploys the contracts on the
first start (then finds them again), and runs
  · the keeper: clears each period after its reveal window, settles it when its readings are in or
    its reading deadline has passed;
  · the indexer: contract events into the SQLite read model behind the API;
  · the bid book: sealed bids placed through the API, committed and revealed for their participants;
  · simulated DL/T 645 meters on a loopback bus and the reading gateway that signs each period's
    energy with the meter's own key;
  · the reference case study's participants (a wind producer, a controllable source, an EV charging
    operator, a regular load; the public grid as counterparty), bidding every period;
  · the API (OpenAPI at /api/openapi.json) and the web UI.
Prints the address and the first-login credentials. Started again, it resumes where it stopped.

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
    const step = (line: string) => output.out(`· ${line}\n`);
    output.out('WattLedger — peer-to-peer electricity trading platform\n\n');
    const service = await startPlatformService(config, {
      progress: step,
      webRoot: existsSync(WEB_ROOT) ? WEB_ROOT : undefined,
      log: (line) => output.err(`${new Date().toISOString()} ${line}\n`),
    });
    const { deployment } = service.context.platform;
    output.out(
      `\nchain      ${config.chain.mode === 'embedded' ? 'embedded anvil' : config.chain.url}, chain id ${deployment.chainId}; clock ${config.clock.speed}× the wall clock\n` +
        `contracts  registry ${deployment.registry}\n           token    ${deployment.token} (${config.token.symbol})\n           market   ${deployment.market}\n` +
        `data       ${config.dataDir}\n\n` +
        `Open ${service.url} in a browser.${existsSync(WEB_ROOT) ? '' : ' (The web UI is not built: run npm run build:web; the API answers meanwhile.)'}\n`,
    );
    if (service.operatorPassword !== undefined) {
      output.out(
        `Operator login: operator / ${service.operatorPassword}   (change it on the operator page)\n`,
      );
    }
    const bots = Object.entries(service.caseStudyPasswords);
    if (bots.length > 0) {
      output.out(
        `Case-study logins: ${bots.map(([user, password]) => `${user} / ${password}`).join(', ')}\n`,
      );
    }
    output.out(
      `(first-login passwords are kept in ${config.dataDir}/initial-credentials.json until changed)\n`,
    );
    output.out('\nRunning. Ctrl-C stops the platform cleanly; start it again to resume.\n');
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    output.out(`\n${signal}: stopping (the chain writes its state)…\n`);
    await service.stop();
    output.out('Stopped.\n');
    return 0;
  },
};
