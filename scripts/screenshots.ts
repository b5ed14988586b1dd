/**
 * Screenshots of the main pages (docs/screenshots/), taken from a real platform: a fresh embedded
 * chain, the case study trading a few periods, Debian's Chromium. `npm run screenshots`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_ROOT } from '../src/cli/commands/start.ts';
import { dateOf } from '../src/app/days.ts';
import { startTestService } from '../src/server/testing/testService.ts';
import { launchBrowser } from '../test/browser/browser.ts';

const out = join(import.meta.dirname, '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const t = await startTestService({ webRoot: WEB_ROOT });
const step = (line: string) => process.stderr.write(`screenshots: ${line}\n`);
try {
  const { bidBook, clock } = t.service.context;
  const first = bidBook.nextBiddingPeriod(await clock.now());
  for (let period = first; period < first + 6n; period++) {
    step(`trading period ${period}`);
    await t.runPeriod(period);
  }
  const browser = await launchBrowser();
  const shoot = async (user: string, password: string, pages: [string, string, string][]) => {
    const context = await browser.newContext({ baseURL: t.url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => step(`page error on ${page.url()}: ${error.message}`));
    await page.goto('/login');
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    for (const [name, path, testId] of pages) {
      for (const lang of ['en', 'zh']) {
        await page.goto(path);
        await page.getByTestId('lang-switch').selectOption(lang);
        await page.getByTestId(testId).waitFor();
        await page.waitForTimeout(800);
        await page.screenshot({ path: join(out, `${name}-${lang}.png`), fullPage: true });
        step(`${name}-${lang}.png`);
      }
    }
    await context.close();
  };
  const date = dateOf(await clock.now());
  // A trade of the period the market screenshot shows, followed through its seven steps.
  const [trade] = t.service.context.readModel.periodDetail(Number(first + 3n)).trades;
  if (trade === undefined) throw new Error(`period ${first + 3n} has no trade to show the flow of`);
  const passwords = t.service.caseStudyPasswords;
  await shoot('load', passwords.load!, [
    ['prosumer', '/me', 'account-page'],
    ['market', `/market?period=${first + 3n}&date=${date}`, 'market-page'],
    ['charts', `/charts?date=${date}`, 'charts-page'],
    ['flow', `/trades/${trade.transactionHash}/${trade.logIndex}`, 'trade-flow'],
  ]);
  await shoot('operator', t.service.operatorPassword!, [
    ['operator', '/operator', 'operator-page'],
    ['explorer', '/explorer', 'explorer-page'],
  ]);
  await browser.close();
} finally {
  await t.stop();
}
