import { parseAddress } from '../../meter/dlt645/address.ts';
import {
  DATA_IDENTIFIERS,
  formatDi,
  parseDi,
  requireDataIdentifier,
} from '../../meter/dlt645/dataIdentifiers.ts';
import { FrameError } from '../../meter/dlt645/errors.ts';
import { decodeFrame, parseHex, toHex } from '../../meter/dlt645/frame.ts';
import { describeDataIdentifier, describeFrame, describeValueJson } from '../../meter/describeFrame.ts';
import { createPtyPair } from '../../meter/simulator/ptyPair.ts';
import {
  combined,
  dailyLoad,
  evCharging,
  solar,
  wind,
  type PowerProfile,
} from '../../meter/simulator/profiles.ts';
import { serveBusOverSerial, serveBusOverTcp, type RunningServer } from '../../meter/simulator/servers.ts';
import { createSimulatedBus } from '../../meter/simulator/simulatedBus.ts';
import { createVirtualMeter } from '../../meter/simulator/virtualMeter.ts';
import { createMeterBus } from '../../meter/transport/meterBus.ts';
import { createMeterClient } from '../../meter/transport/meterClient.ts';
import {
  describeSerialSettings,
  DLT645_SERIAL,
  openSerialChannel,
  type SerialSettings,
} from '../../meter/transport/serialChannel.ts';
import { openTcpChannel } from '../../meter/transport/tcpChannel.ts';
import {
  parseCommandArgs,
  printJson,
  UsageError,
  type Command,
  type Output,
  type ParsedArgs,
} from '../command.ts';

const DECODE_HELP = `Usage: wattledger meter decode HEX

Decodes one DL/T 645-2007 frame (spaces allowed, leading FE bytes too) and prints it as JSON: address,
control fields, data identifier and its name, value with its unit, or the error reasons.

  wattledger meter decode "68 01 00 00 00 00 00 68 91 08 33 33 34 33 59 B3 55 44 DC 16"
`;

const READ_HELP = `Usage: wattledger meter read (--tcp HOST:PORT | --serial PATH) --address ADDR --di DI [options]

Reads one register of a live meter through an RS-485-to-TCP gateway or a serial port, prints JSON.

  --tcp HOST:PORT       an RS-485 transparent gateway
  --serial PATH         a serial port (RS-485 adapter)
  --address ADDR        the meter's 12-digit address (AAAAAAAAAAAA: whichever meter is on the line)
  --di DI               data identifier, 8 hex digits, one of:
${DATA_IDENTIFIERS.map((d) => `                          ${formatDi(d.id)}  ${d.name}`).join('\n')}
  --raw                 also accept an identifier this tool does not know, and print its bytes
  --baud N --parity P --data-bits N --stop-bits N   serial line (default ${describeSerialSettings(DLT645_SERIAL)})
  --timeout MS          reply timeout per attempt (default 1500)
  --retries N           further attempts (default 2)
`;

const SIMULATE_HELP = `Usage: wattledger meter simulate [options]

Starts simulated meters that answer real DL/T 645-2007 frames over TCP (and, with --pty, over a
pseudo-terminal pair made by socat), until Ctrl-C.

  --meters N            how many meters (default 3), addresses 000000000001 upwards
  --address LIST        comma-separated addresses instead of --meters
  --profile NAME        load | solar | wind | ev | prosumer (default: a mix)
  --host H --tcp-port N where the TCP gateway listens (default 127.0.0.1, a free port)
  --pty                 also answer on a pseudo-terminal pair (needs socat); prints the path to open
  --speed X             simulated time runs X times faster than real time (default 1)
  --drop R --corrupt R --delay R --delay-ms MS --seed N   fault rates (0–1) and their seed
`;

const HELP = `Usage: wattledger meter decode HEX
       wattledger meter read (--tcp HOST:PORT | --serial PATH) --address ADDR --di DI [options]
       wattledger meter simulate [options]

DL/T 645-2007 smart meters, for field engineers. "wattledger meter SUBCOMMAND --help" for each.

  decode HEX      decodes one frame and prints it as JSON
  read            reads one register of a live meter and prints it as JSON
  simulate        starts simulated meters over TCP (and a pseudo-terminal) until Ctrl-C
`;

const serialOptions = (values: ParsedArgs['values']): Partial<SerialSettings> => {
  const settings: { -readonly [K in keyof SerialSettings]?: SerialSettings[K] } = {};
  if (typeof values.baud === 'string') settings.baudRate = positiveInteger(values.baud, '--baud');
  if (typeof values.parity === 'string') {
    if (!['none', 'even', 'odd', 'mark', 'space'].includes(values.parity))
      throw new UsageError(`--parity: "${values.parity}" is not none, even, odd, mark or space`);
    settings.parity = values.parity as SerialSettings['parity'];
  }
  if (typeof values['data-bits'] === 'string')
    settings.dataBits = positiveInteger(values['data-bits'], '--data-bits') as SerialSettings['dataBits'];
  if (typeof values['stop-bits'] === 'string')
    settings.stopBits = positiveInteger(values['stop-bits'], '--stop-bits') as SerialSettings['stopBits'];
  return settings;
};

function positiveInteger(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option}: "${text}" is not a whole number`);
  return Number(text);
}

function rate(text: unknown, option: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const value = Number(text);
  if (!/^\d*\.?\d+$/.test(text) || value > 1)
    throw new UsageError(`${option}: "${text}" is not a rate between 0 and 1`);
  return value;
}

async function decode(args: readonly string[], output: Output): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, { min: 1, max: 1, names: 'HEX (the frame)' });
  const bytes = parseHex(positionals[0]!, 'HEX');
  let frame;
  try {
    frame = decodeFrame(bytes);
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    throw new FrameError(error.code, `HEX: ${error.message}`, { ...error.details });
  }
  printJson(output, { ...describeFrame(frame), bytes: toHex(bytes) });
  return 0;
}

async function read(args: readonly string[], output: Output): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      tcp: { type: 'string' },
      serial: { type: 'string' },
      address: { type: 'string' },
      di: { type: 'string' },
      baud: { type: 'string' },
      parity: { type: 'string' },
      'data-bits': { type: 'string' },
      'stop-bits': { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      raw: { type: 'boolean' },
    },
    { min: 0, max: 0, names: '' },
  );
  if ((values.tcp === undefined) === (values.serial === undefined))
    throw new UsageError('give exactly one of --tcp HOST:PORT and --serial PATH');
  if (typeof values.address !== 'string') throw new UsageError('missing --address');
  if (typeof values.di !== 'string') throw new UsageError('missing --di');
  const address = parseAddress(values.address, '--address');
  const di = parseDi(values.di, '--di');
  if (values.raw !== true) requireDataIdentifier(di, '--di');
  let channel;
  if (typeof values.tcp === 'string') {
    const match = /^(.+):(\d+)$/.exec(values.tcp);
    if (match === null) throw new UsageError(`--tcp: "${values.tcp}" is not HOST:PORT`);
    channel = await openTcpChannel(match[1]!, Number(match[2]));
  } else {
    channel = await openSerialChannel(values.serial as string, serialOptions(values));
  }
  const bus = createMeterBus(channel, {
    timeoutMs: typeof values.timeout === 'string' ? positiveInteger(values.timeout, '--timeout') : undefined,
    retries: typeof values.retries === 'string' ? positiveInteger(values.retries, '--retries') : undefined,
  });
  try {
    const reading = await createMeterClient(bus).readRegister(address, di);
    printJson(output, {
      address: reading.address,
      link: channel.description,
      dataIdentifier: describeDataIdentifier(di),
      value: reading.value === undefined ? null : describeValueJson(reading.value),
      raw: toHex(reading.raw),
    });
    return 0;
  } finally {
    await bus.close();
  }
}

const PROFILES: Record<string, (i: number) => PowerProfile> = {
  load: (i) => dailyLoad(300 + 50 * i, 2_500),
  solar: (i) => solar(3_000 + 500 * i),
  wind: (i) => wind(4_000, i + 1),
  ev: () => evCharging(7_000),
  prosumer: (i) => combined(solar(4_000), dailyLoad(400 + 25 * i, 2_000)),
};

async function simulate(args: readonly string[], output: Output): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      meters: { type: 'string' },
      address: { type: 'string' },
      profile: { type: 'string' },
      host: { type: 'string' },
      'tcp-port': { type: 'string' },
      pty: { type: 'boolean' },
      speed: { type: 'string' },
      drop: { type: 'string' },
      corrupt: { type: 'string' },
      delay: { type: 'string' },
      'delay-ms': { type: 'string' },
      seed: { type: 'string' },
    },
    { min: 0, max: 0, names: '' },
  );
  const addresses =
    typeof values.address === 'string'
      ? values.address.split(',').map((a, i) => parseAddress(a, `--address (item ${i + 1})`))
      : Array.from(
          { length: typeof values.meters === 'string' ? positiveInteger(values.meters, '--meters') : 3 },
          (_, i) => String(i + 1).padStart(12, '0'),
        );
  if (addresses.length === 0) throw new UsageError('--meters: at least one meter');
  const profileName = typeof values.profile === 'string' ? values.profile : undefined;
  if (profileName !== undefined && PROFILES[profileName] === undefined) {
    throw new UsageError(`--profile: "${profileName}" is not one of ${Object.keys(PROFILES).join(', ')}`);
  }
  const speed = typeof values.speed === 'string' ? Number(values.speed) : 1;
  if (!(speed > 0)) throw new UsageError(`--speed: "${String(values.speed)}" is not a positive number`);
  const started = Date.now();
  const clock = () => started + (Date.now() - started) * speed;
  const mix = Object.keys(PROFILES);
  const meters = addresses.map((address, i) =>
    createVirtualMeter({
      address,
      clock,
      profile: PROFILES[profileName ?? mix[i % mix.length]!]!(i),
      forwardSteps: BigInt(1_000 * (i + 1)),
    }),
  );
  const bus = createSimulatedBus(meters, {
    drop: rate(values.drop, '--drop'),
    corrupt: rate(values.corrupt, '--corrupt'),
    delay: rate(values.delay, '--delay'),
    delayMs:
      typeof values['delay-ms'] === 'string' ? positiveInteger(values['delay-ms'], '--delay-ms') : undefined,
    seed: typeof values.seed === 'string' ? positiveInteger(values.seed, '--seed') : undefined,
  });
  const servers: RunningServer[] = [];
  const closers: (() => Promise<void>)[] = [];
  servers.push(
    await serveBusOverTcp(bus, {
      host: typeof values.host === 'string' ? values.host : undefined,
      port:
        typeof values['tcp-port'] === 'string'
          ? positiveInteger(values['tcp-port'], '--tcp-port')
          : undefined,
    }),
  );
  if (values.pty === true) {
    const pair = await createPtyPair();
    servers.push(await serveBusOverSerial(bus, pair.meterSide));
    closers.push(() => pair.close());
    output.out(`pseudo-terminal: open ${pair.masterSide} (${describeSerialSettings(DLT645_SERIAL)})\n`);
  }
  output.out(`listening: ${servers[0]!.description}\n`);
  output.out(`meters: ${meters.map((m) => m.address).join(', ')} (time × ${speed})\n`);
  output.out('press Ctrl-C to stop\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  for (const server of servers) await server.close();
  for (const close of closers) await close();
  output.out(
    `stopped after ${bus.stats.requests} requests (${bus.stats.replies} replies, ${bus.stats.garbage} unreadable)\n`,
  );
  return 0;
}

const SUBCOMMAND_HELP: Record<string, string> = {
  decode: DECODE_HELP,
  read: READ_HELP,
  simulate: SIMULATE_HELP,
};

const SUBCOMMANDS: Record<string, (args: readonly string[], output: Output) => Promise<number>> = {
  decode,
  read,
  simulate,
};

export const meterCommand: Command = {
  name: 'meter',
  summary: 'DL/T 645-2007 smart meters: decode a frame, read a live meter, simulate meters',
  help: HELP,
  async run(args, output) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      output.out(HELP);
      return sub === undefined ? 2 : 0;
    }
    const handler = SUBCOMMANDS[sub];
    if (handler === undefined) throw new UsageError(`unknown subcommand "${sub}" (decode, read or simulate)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      output.out(SUBCOMMAND_HELP[sub]!);
      return 0;
    }
    return await handler(rest, output);
  },
};
