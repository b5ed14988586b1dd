/**
 * A progress bar on stderr: one line rewritten with \r on a terminal, plain lines every tenth of
 * the way otherwise (logs and CI keep readable output).
 */
import type { DayProgress } from './dayRunner.ts';

export function progressBar(
  write: (text: string) => void,
  isTty: boolean,
  label: string,
): (p: DayProgress) => void {
  let lastTenth = -1;
  return (p) => {
    const fraction = p.step / p.steps;
    const seconds = (p.elapsedMs / 1000).toFixed(1);
    const text = `${label} period ${p.period}, step ${p.step}/${p.steps}, ${seconds} s, ${p.transactions} transactions`;
    if (isTty) {
      const width = 24;
      const filled = Math.round(fraction * width);
      write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K${p.step === p.steps ? '\n' : ''}`,
      );
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth !== lastTenth || p.step === p.steps) {
      lastTenth = tenth;
      write(`${text}\n`);
    }
  };
}
