/**
 * A linked pair of pseudo-terminals from Debian's socat: what a meter writes on one end the master
 * reads on the other, through the kernel's tty layer, like a null-modem cable.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeterLinkError } from '../transport/errors.ts';

export interface PtyPair {
  readonly meterSide: string;
  readonly masterSide: string;
  close(): Promise<void>;
}

export const socatAvailable = (): boolean => spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;

export async function createPtyPair(): Promise<PtyPair> {
  if (!socatAvailable())
    throw new MeterLinkError(
      'socat is not installed (Debian package socat) — it makes the pseudo-terminal pair',
    );
  const dir = mkdtempSync(join(tmpdir(), 'wattledger-pty-'));
  const meterSide = join(dir, 'meter');
  const masterSide = join(dir, 'master');
  const child = spawn('socat', [`pty,raw,echo=0,link=${meterSide}`, `pty,raw,echo=0,link=${masterSide}`], {
    stdio: 'ignore',
  });
  const started = Date.now();
  while (!(existsSync(meterSide) && existsSync(masterSide))) {
    if (child.exitCode !== null)
      throw new MeterLinkError(`socat exited with code ${child.exitCode} before creating the pair`);
    if (Date.now() - started > 5_000) {
      child.kill();
      throw new MeterLinkError('socat did not create the pseudo-terminal pair within 5 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    meterSide,
    masterSide,
    async close() {
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
