import { Browser, BrowserContext, chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

/** Debian's Chromium (`apt-get install chromium`): the binary itself, not the /usr/bin wrapper script. Never a download. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium at ${candidates.join(', ')}: install Debian's chromium package (apt-get install -y chromium)`);
  return found;
}

/**
 * Headless Chromium whose camera plays `videoPath`. Playwright gives each launch a fresh temporary profile
 * (--user-data-dir), removed when the browser closes.
 */
export function launchChromium(videoPath: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${videoPath}`,
    ],
  });
}

/**
 * A phone-sized context (360x640) that may use the camera, whose requests may only go to the gateway: anything
 * else is refused and recorded in `offOrigin` (everything the page loads comes from the gateway).
 */
export async function phoneContext(browser: Browser, gatewayUrl: string, locale = 'en-US'): Promise<{ context: BrowserContext; offOrigin: string[] }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale, permissions: ['camera'], deviceScaleFactor: 1 });
  await context.grantPermissions(['camera'], { origin: gatewayUrl });
  const offOrigin: string[] = [];
  const origin = new URL(gatewayUrl).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    offOrigin.push(url);
    return route.abort();
  });
  return { context, offOrigin };
}
