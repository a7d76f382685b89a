import { DEFAULT_PAPER, type Paper, type PrintKind } from './paper'

const storageKey = (kind: PrintKind) => `faskes.print.paper.${kind}`

/**
 * The paper last chosen for this kind of printout on this workstation (the printer is the workstation's, so the
 * choice lives with the page's storage, not in the shared database), else the default.
 */
export function rememberedPaper(kind: PrintKind): Paper {
  try {
    const v = window.localStorage.getItem(storageKey(kind))
    return v === 'thermal80' || v === 'a5' ? v : DEFAULT_PAPER[kind]
  } catch {
    return DEFAULT_PAPER[kind]
  }
}

export function rememberPaper(kind: PrintKind, paper: Paper): void {
  try {
    window.localStorage.setItem(storageKey(kind), paper)
  } catch {
    // Storage refused (a locked-down profile): the choice lasts for this dialog only.
  }
}
