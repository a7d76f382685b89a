import { existsSync } from 'node:fs'
import { chromium, type BrowserContext } from 'playwright-core'
import { tempDir } from '../helpers/tmp'

export const CHROMIUM = process.env.FASKES_CHROMIUM ?? '/usr/bin/chromium'

/**
 * Debian's Chromium, headless, with a fresh profile each time and no background traffic
 * (the network here reaches only package registries; nothing should try anything else).
 */
export async function launchChromium(extraArgs: string[] = []): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install it with \`apt-get install -y chromium\``)
  const profile = tempDir('faskes-chromium-')
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    viewport: { width: 1366, height: 768 },
    locale: 'id-ID',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  })
  context.setDefaultTimeout(10_000)
  context.setDefaultNavigationTimeout(15_000)
  return {
    context,
    close: async () => {
      await context.close()
      profile.cleanup()
    },
  }
}

/**
 * `p` (a page read such as `locator.allInnerTexts()`, which has no timeout of its own), or a rejection after `ms`.
 * Inside `expect.poll` a read that never answers would otherwise hold the poll past its own timeout (vitest awaits
 * each call) until the test's 90 s limit, with no word of which step; bounded, the poll tries again and, if the page
 * stays silent, fails at its own line.
 */
export function answered<T>(p: Promise<T>, ms = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the page did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}
