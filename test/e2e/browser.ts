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
