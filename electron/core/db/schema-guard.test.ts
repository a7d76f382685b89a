/**
 * Guard rails for migrations (issue 11, deliverable 5), after Actual Budget's schema guard
 * (packages/loot-core/src/server/migrate/schema-guard.test.ts):
 * - the schema every migration builds on a fresh file equals the committed `schema-snapshot.json`;
 * - the SQL each released migration runs is pinned by sha256 in `migration-hashes.json`, so a released migration
 *   cannot be edited (a workstation that already ran it would never see the edit);
 * - upgrading one version at a time ends in the same schema as a fresh file.
 *
 * Regenerate deliberately, after writing a NEW migration:
 *   UPDATE_DB_SCHEMA=1 npx vitest run electron/core/db/schema-guard.test.ts
 * The update rewrites the snapshot and appends hashes for new versions; it never rewrites a recorded hash.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { openDatabase, type DB } from './index'
import { migrations } from './migrations'
import type { Migration } from './types'
import { tempDir } from '../../../test/helpers/tmp'

const SNAPSHOT_FILE = join(__dirname, 'schema-snapshot.json')
const HASHES_FILE = join(__dirname, 'migration-hashes.json')
const UPDATE = process.env.UPDATE_DB_SCHEMA === '1'
const HOW_TO =
  'Never edit a released migration: add a new one (electron/core/db/migrations/NNNN-*.ts, registered in migrations/index.ts). ' +
  'Then regenerate deliberately with `UPDATE_DB_SCHEMA=1 npx vitest run electron/core/db/schema-guard.test.ts` and commit ' +
  'electron/core/db/schema-snapshot.json and migration-hashes.json with the migration.'

// ---------------------------------------------------------------------------------------------------------------
// Normalized schema

/**
 * SQL text with comments removed and whitespace collapsed, so a reworded comment inside a CREATE TABLE is not a schema
 * change. Quote-aware: text inside '…', "…" or `…` is kept byte for byte.
 */
function normalizeSql(sql: string): string {
  const parts: string[] = []
  let code = ''
  const flush = (): void => {
    parts.push(code.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ ,/g, ','))
    code = ''
  }
  let i = 0
  while (i < sql.length) {
    const c = sql[i]
    if (c === "'" || c === '"' || c === '`') {
      // A doubled quote ('it''s') is two adjacent literals here, which joins back to the same text.
      const end = sql.indexOf(c, i + 1)
      const stop = end === -1 ? sql.length : end + 1
      flush()
      parts.push(sql.slice(i, stop))
      i = stop
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? sql.length : end
      code += ' '
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 2
      code += ' '
    } else {
      code += c
      i++
    }
  }
  flush()
  return parts.join('').trim()
}

interface TableListRow {
  name: string
  type: 'table' | 'view' | 'virtual' | 'shadow'
  wr: number
  strict: number
}

/**
 * Tables (columns, primary key, foreign keys, every index including SQLite's automatic ones), views and triggers,
 * sorted by name, with their normalized SQL. No rows. FTS5 shadow tables are left out: SQLite owns their shape and
 * may change it between versions without any migration of ours.
 */
function schemaSnapshot(db: DB): unknown {
  const list = db.prepare(`SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'`).all() as TableListRow[]
  const kind = new Map(list.map((t) => [t.name, t]))
  const master = db
    .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
    .all() as { type: string; name: string; tbl_name: string; sql: string | null }[]

  const tables: Record<string, unknown> = {}
  const views: Record<string, unknown> = {}
  const triggers: Record<string, unknown> = {}
  const indexes: Record<string, string> = {}
  for (const o of master) {
    const info = kind.get(o.name)
    if (o.type === 'table' && info?.type !== 'shadow') {
      tables[o.name] = {
        kind: info?.type,
        strict: info?.strict === 1,
        withoutRowid: info?.wr === 1,
        // One line per column, key and index, so a change reads as a one-line diff.
        columns: (
          db.prepare('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid').all(o.name) as {
            name: string
            type: string
            notnull: number
            dflt_value: string | null
            pk: number
            hidden: number
          }[]
        ).map((c) =>
          [
            c.name,
            c.type || '(no type)',
            c.notnull ? 'NOT NULL' : '',
            c.dflt_value === null ? '' : `DEFAULT ${c.dflt_value}`,
            c.pk ? `PK${c.pk}` : '',
            c.hidden ? `HIDDEN${c.hidden}` : '',
          ]
            .filter(Boolean)
            .join(' '),
        ),
        foreignKeys: (
          db.prepare('SELECT "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(o.name) as {
            table: string
            from: string
            to: string | null
            on_update: string
            on_delete: string
          }[]
        ).map((f) => `${f.from} -> ${f.table}(${f.to ?? ''}) ON UPDATE ${f.on_update} ON DELETE ${f.on_delete}`),
        indexes: (
          db.prepare('SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name').all(o.name) as {
            name: string
            unique: number
            origin: string
            partial: number
          }[]
        ).map((ix) => {
          const cols = (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(ix.name) as { name: string | null }[]).map(
            (c) => c.name ?? '<expression>',
          )
          return `${ix.name} (${cols.join(', ')})${ix.unique ? ' UNIQUE' : ''} origin=${ix.origin}${ix.partial ? ' PARTIAL' : ''}`
        }),
        sql: normalizeSql(o.sql ?? ''),
      }
    } else if (o.type === 'view') {
      views[o.name] = { sql: normalizeSql(o.sql ?? '') }
    } else if (o.type === 'trigger') {
      triggers[o.name] = { table: o.tbl_name, sql: normalizeSql(o.sql ?? '') }
    } else if (o.type === 'index' && o.sql) {
      // Also listed under its table; the SQL adds what the pragmas do not show (a partial index's WHERE, ASC/DESC).
      indexes[o.name] = normalizeSql(o.sql)
    }
  }
  return { userVersion: db.pragma('user_version', { simple: true }), tables, indexes, views, triggers }
}

function serialize(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}

// ---------------------------------------------------------------------------------------------------------------
// What a migration runs

/**
 * Everything a migration sends to SQLite while it runs on a fresh file built up to the version before it: exec'd SQL,
 * prepared SQL with the values bound to each call, and pragmas, in order. SQL is normalized (comments, whitespace), so
 * the hash pins what the migration does, not how its source is laid out.
 */
function recordMigration(db: DB, m: Migration): string[] {
  const log: string[] = []
  const wrapStatement = (sql: string, stmt: object): object =>
    new Proxy(stmt, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          if (['run', 'get', 'all', 'iterate'].includes(String(prop))) log.push(`${String(prop)} ${normalizeSql(sql)} ${JSON.stringify(args)}`)
          const r = value.apply(target, args)
          return r === target ? receiver : r
        }
      },
    })
  const recorder = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      if (prop === 'exec') return (sql: string) => (log.push(`exec ${normalizeSql(sql)}`), target.exec(sql), receiver)
      if (prop === 'prepare') return (sql: string) => wrapStatement(sql, target.prepare(sql))
      if (prop === 'pragma') return (src: string, opts?: object) => (log.push(`pragma ${src}`), target.pragma(src, opts))
      return value.bind(target)
    },
  }) as Database
  db.transaction(() => m.up(recorder))()
  return log
}

interface HashEntry {
  version: number
  name: string
  sha256: string
}

/** Runs each migration in turn on one fresh in-memory file and returns the sha256 of what each one ran. */
function currentHashes(): HashEntry[] {
  const db = openDatabase(':memory:', { migrations: [] })
  try {
    return migrations.map((m) => {
      const log = recordMigration(db, m)
      return { version: m.version, name: m.name, sha256: createHash('sha256').update(log.join('\n')).digest('hex') }
    })
  } finally {
    db.close()
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe('schema snapshot', () => {
  it('a fresh file after every migration has exactly the committed schema', () => {
    const db = openDatabase(':memory:')
    const current = serialize(schemaSnapshot(db))
    db.close()
    if (UPDATE) writeFileSync(SNAPSHOT_FILE, current)
    if (!existsSync(SNAPSHOT_FILE)) throw new Error(`Missing ${SNAPSHOT_FILE}. ${HOW_TO}`)
    const committed = readFileSync(SNAPSHOT_FILE, 'utf8').replace(/\r\n/g, '\n')
    expect(current, `The schema built by the migrations differs from schema-snapshot.json. ${HOW_TO}`).toBe(committed)
  })

  it('upgrading one version at a time ends in the same schema as a fresh file', () => {
    const fresh = openDatabase(':memory:')
    const expected = schemaSnapshot(fresh)
    fresh.close()
    // A file, because ':memory:' would start empty at each open.
    const tmp = tempDir()
    try {
      const file = join(tmp.dir, 'stepwise.db')
      for (let v = 1; v <= migrations.length; v++) openDatabase(file, { migrations: migrations.slice(0, v) }).close()
      const db = openDatabase(file)
      expect(schemaSnapshot(db)).toEqual(expected)
      db.close()
    } finally {
      tmp.cleanup()
    }
  })

  it('the normalizer drops comments but keeps quoted text, so the snapshot sees real changes only', () => {
    expect(normalizeSql(`CREATE TABLE t (\n  a TEXT, -- note\n  b TEXT DEFAULT '--x  ( y' /* c */\n)`)).toBe(
      `CREATE TABLE t (a TEXT, b TEXT DEFAULT '--x  ( y')`,
    )
    expect(normalizeSql(`SELECT 'it''s'  , 1`)).toBe(`SELECT 'it''s', 1`)
    const a = openDatabase(':memory:', { migrations: [] })
    const b = openDatabase(':memory:', { migrations: [] })
    a.exec('CREATE TABLE t (x TEXT NOT NULL) STRICT')
    b.exec('CREATE TABLE t (x TEXT) STRICT')
    expect(schemaSnapshot(a)).not.toEqual(schemaSnapshot(b))
    a.close()
    b.close()
  })
})

describe('released migrations', () => {
  it('are numbered 1..N in order, one file NNNN-<name>.ts each', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    const files = readdirSync(join(__dirname, 'migrations'))
      .filter((f) => /^\d{4}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .sort()
    expect(files).toEqual(migrations.map((m) => `${String(m.version).padStart(4, '0')}-${m.name}.ts`))
  })

  it('run exactly the SQL recorded in migration-hashes.json', () => {
    const current = currentHashes()
    const recorded: HashEntry[] = existsSync(HASHES_FILE) ? (JSON.parse(readFileSync(HASHES_FILE, 'utf8')) as HashEntry[]) : []
    if (UPDATE && current.length > recorded.length) {
      // Appends only: a recorded hash is never rewritten by the update, so it cannot launder an edit.
      writeFileSync(HASHES_FILE, serialize([...recorded, ...current.slice(recorded.length)]))
      recorded.push(...current.slice(recorded.length))
    }
    expect(recorded.map((r) => r.version), `migration-hashes.json must list versions 1..N in order. ${HOW_TO}`).toEqual(
      recorded.map((_, i) => i + 1),
    )
    for (const r of recorded) {
      const now = current.find((c) => c.version === r.version)
      expect(now, `Released migration ${r.version} (${r.name}) is missing: a released migration is never removed or renumbered.`).toBeDefined()
      expect(
        now,
        `Released migration ${r.version} (${r.name}) was edited: what it runs no longer matches its recorded sha256. ` +
          'Workstations that already ran it will never see the edit: revert it and put the change in a new migration ' +
          '(regenerating does not rewrite a recorded hash).',
      ).toEqual(r)
    }
    expect(
      current.length,
      `Migrations newer than migration-hashes.json (${current.slice(recorded.length).map((m) => m.name).join(', ')}) must be recorded. ${HOW_TO} ` +
        'While a new migration is unreleased, delete its line and regenerate after each change.',
    ).toBe(recorded.length)
  })

  it('the recorder sees the SQL without comments or layout, and the values bound to it', () => {
    const db = openDatabase(':memory:', { migrations: [] })
    const a = recordMigration(db, { version: 1, name: 'a', up: (d) => d.exec('CREATE TABLE a (x INTEGER) -- why') })
    const b = recordMigration(db, { version: 2, name: 'b', up: (d) => d.exec('CREATE  TABLE b (x INTEGER)') })
    const c = recordMigration(db, {
      version: 3,
      name: 'c',
      up: (d) => {
        d.prepare('INSERT INTO a (x) VALUES (?)').run(7)
      },
    })
    db.close()
    expect(a).toEqual(['exec CREATE TABLE a (x INTEGER)'])
    expect(b).toEqual(['exec CREATE TABLE b (x INTEGER)'])
    expect(c).toEqual(['run INSERT INTO a (x) VALUES (?) [7]'])
  })
})
