// Debian's Chromium, headless, through playwright-core (no browser is
// downloaded): the launch flags that work here, as root, shared by the
// browser test (browser.mjs) and the benchmark driver (bench.mjs).
import { chromium } from 'playwright-core';

/** The flags every launch gets. */
export const FLAGS = [
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Chromium at `$CHROMIUM` (default /usr/bin/chromium), headless, with FLAGS and `extra`. */
export function launch(extra = []) {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  return chromium.launch({ executablePath, headless: true, args: [...FLAGS, ...extra] });
}
