import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { NamedSyncErrorCode, SyncErrorCode } from '../../electron/contract'
import { serverMessages } from '../../electron/contract/messages'

/**
 * Every message a person reads comes in both languages: core builds errors from catalogue keys (never from a
 * plain string, which would stay Indonesian on an English page), and each key's two texts take the same
 * `{params}` (a placeholder only one language names would print raw in the other).
 */
const root = resolve(import.meta.dirname, '../..')
// The renderer's tables, loaded at run time: the node-side tsconfig compiles no JSX, vitest transforms the .tsx.
const i18nModule = join(root, 'renderer/src/i18n.tsx')
const { dictionaries } = (await import(i18nModule)) as { dictionaries: Record<'id' | 'en', Record<string, string>> }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(p)
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : []
  })
}

/** True for text written in place: 'x', `x`, `x ${y}`, 'a' + b, and a ternary with such a branch. */
function isPlainText(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isPlainText(node.expression)
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) return true
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isPlainText(node.left) || isPlainText(node.right)
  if (ts.isConditionalExpression(node)) return isPlainText(node.whenTrue) || isPlainText(node.whenFalse)
  return false
}

function extendsAppError(n: ts.Node): boolean {
  let c: ts.Node | undefined = n
  while (c && !ts.isClassLike(c)) c = c.parent
  return Boolean(c && (c as ts.ClassLikeDeclaration).heritageClauses?.some((h) => h.types.some((t) => t.expression.getText() === 'AppError')))
}

/** `new AppError(code, <plain text>)` and field errors written as `{ field, message: <plain text> }` in its third argument. */
function plainTextAppErrors(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const where = (n: ts.Node) => `${fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`
  const visit = (n: ts.Node): void => {
    const isNew = ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'AppError'
    // A subclass's super(code, message, fields) builds an AppError too.
    const isSuper = ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword && extendsAppError(n)
    if ((isNew || isSuper) && (n as ts.NewExpression | ts.CallExpression).arguments) {
      const [, message, fields] = (n as ts.NewExpression | ts.CallExpression).arguments!
      if (message && isPlainText(message)) found.push(`${where(message)} message`)
      if (fields && ts.isArrayLiteralExpression(fields)) {
        for (const f of fields.elements) {
          if (!ts.isObjectLiteralExpression(f)) continue
          for (const p of f.properties) {
            if (ts.isPropertyAssignment(p) && p.name.getText(sf) === 'message' && isPlainText(p.initializer)) found.push(`${where(p)} field message`)
          }
        }
      }
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return found
}

describe('server messages are keys', () => {
  it('no AppError in electron/core is built from a plain string', () => {
    const found = sourceFiles(join(root, 'electron/core')).flatMap((f) => plainTextAppErrors(relative(root, f), readFileSync(f, 'utf8')))
    expect(found).toEqual([])
  })

  it('the scan itself catches each plain-text form and passes keyed ones', () => {
    const code = [
      `throw new AppError('CONFLICT', 'Sudah ada.')`,
      'throw new AppError(\'NOT_FOUND\', `Pendaftaran ${n} tidak ditemukan.`)',
      `throw new AppError('INVALID_INPUT', ok ? msg('v.required') : 'Salah.')`,
      `throw new AppError('INVALID_INPUT', msg('v.required'), [{ field: 'x', message: 'wajib' }])`,
      `throw new AppError('INVALID_INPUT', msg('v.required'), [fieldError('x', msg('v.required'))])`,
      `throw new AppError('INVALID_INPUT', m, [fieldError('query', m)])`,
      `class E extends AppError { constructor() { super('UNAVAILABLE', 'Tidak tersedia.') } }`,
      `class F extends Error { constructor() { super('not for people') } }`,
    ].join('\n')
    expect(plainTextAppErrors('probe.ts', code)).toEqual(['probe.ts:1 message', 'probe.ts:2 message', 'probe.ts:3 message', 'probe.ts:4 field message', 'probe.ts:7 message'])
  })
})

const params = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort()

describe.each([
  ['electron/contract/messages.ts', serverMessages as Record<'id' | 'en', Record<string, string>>],
  ['renderer/src/i18n.tsx', dictionaries],
])('%s', (_file, tables) => {
  it('id and en have the same keys', () => {
    expect(Object.keys(tables.en).sort()).toEqual(Object.keys(tables.id).sort())
  })

  it('id and en use the same {params} for every key', () => {
    const mismatched = Object.keys(tables.id)
      .filter((k) => params(tables.id[k]).join() !== params(tables.en[k] ?? '').join())
      .map((k) => `${k}: id {${params(tables.id[k]).join(', ')}} en {${params(tables.en[k] ?? '').join(', ')}}`)
    expect(mismatched).toEqual([])
  })

  it('no text is empty', () => {
    expect(Object.entries({ ...tables.id, ...tables.en }).filter(([, v]) => !v.trim())).toEqual([])
  })
})

/**
 * Sync error codes core writes in SQL text (the admin's cancel/resend markers, the verify path's VERIFY_REJECTED),
 * which TypeScript cannot check against the contract as it checks SendError's typed `code`.
 */
function sqlErrorCodes(): string[] {
  const codes = new Set<string>()
  for (const f of sourceFiles(join(root, 'electron/core'))) {
    const text = readFileSync(f, 'utf8')
    for (const m of text.matchAll(/error_code = '([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1])
    for (const m of text.matchAll(/'(?:transient|permanent)', '([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1])
  }
  return [...codes].sort()
}

/** Common words of our own Indonesian sentences; none may be stored as a sync error's message. */
const OUR_INDONESIAN = /\b(yang|tidak|belum|dengan|untuk|sudah|dari|atau|menunggu|dicoba|gagal|kali|kunjungan|operasi|transaksi|dikirim|oleh)\b/i

/** The fixed text of a string or template literal (a template's placeholders dropped); null for anything else. */
function literalText(n: ts.Expression): string | null {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text
  if (ts.isTemplateExpression(n)) return [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ')
  return null
}

/**
 * The messages core writes beside a sync error code, as written in the source: SendError's message argument, the
 * worker's own `message = …` (sync/), and the message literal of an attempt marker inserted by SQL.
 */
function syncErrorMessages(): { at: string; text: string }[] {
  const found: { at: string; text: string }[] = []
  for (const f of sourceFiles(join(root, 'electron/core'))) {
    const text = readFileSync(f, 'utf8')
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true)
    const at = (n: ts.Node) => `${relative(root, f)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'SendError' && n.arguments?.[2]) {
        const t = literalText(n.arguments[2])
        if (t !== null) found.push({ at: at(n), text: t })
      }
      if (f.includes('/sync/') && ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && n.left.text === 'message') {
        const t = literalText(n.right)
        if (t !== null) found.push({ at: at(n), text: t })
      }
      ts.forEachChild(n, visit)
    }
    visit(sf)
    for (const m of text.matchAll(/'(?:transient|permanent)', '[A-Z][A-Z0-9_]+', '([^']*)'/g)) found.push({ at: relative(root, f), text: m[1] })
  }
  return found
}

describe('sync error codes have words', () => {
  // Every named code, and one member of the COMMIT_INVALID_<n> family (Fabric's ENDORSEMENT_POLICY_FAILURE).
  const codes: string[] = [...NamedSyncErrorCode.options, 'COMMIT_INVALID_10']

  it('codes written in SQL are in the contract (the scan still sees them)', () => {
    const sql = sqlErrorCodes()
    for (const c of ['CANCELLED', 'RESEND_REQUESTED', 'VERIFY_REJECTED']) expect(sql).toContain(c)
    expect(sql.filter((c) => !SyncErrorCode.safeParse(c).success)).toEqual([])
  })

  it('the contract covers the PCare reasons and the COMMIT_INVALID_<n> family, and nothing else of that shape', () => {
    expect(SyncErrorCode.safeParse('COMMIT_INVALID_10').success).toBe(true)
    expect(SyncErrorCode.safeParse('COMMIT_INVALID_').success).toBe(false)
    expect(SyncErrorCode.safeParse('HTTP_503').success).toBe(false)
  })

  it('core stores details and the remote’s words beside a code, never a sentence of ours (it would stay Indonesian on an English page)', () => {
    const messages = syncErrorMessages()
    // The scan still sees the executors' and the worker's messages.
    expect(messages.length).toBeGreaterThan(4)
    expect(messages.filter((m) => OUR_INDONESIAN.test(m.text))).toEqual([])
  })

  it('each code reads as a sentence in both languages, not as the code or the raw message', async () => {
    const { reasonText } = (await import(join(root, 'renderer/src/reasons.ts'))) as { reasonText: (l: 'id' | 'en', code: string | null, m: string | null) => string }
    const raw = 'raw message'
    const missing = codes.filter((code) => {
      const id = reasonText('id', code, raw)
      const en = reasonText('en', code, raw)
      return id === raw || en === raw || id === code || en === code || id === en
    })
    expect(missing).toEqual([])
  })
})
