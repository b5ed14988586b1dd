import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

// Browser tests drive Debian's Chromium through playwright-core: no browser download, the same binary
// a developer has. The flags keep a headless run quiet and cheap on a shared machine.

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || '/usr/bin/chromium';
  } catch {
    return '/usr/bin/chromium';
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
}
