/**
 * Whether a process with `pid` exists on this machine: signal 0 checks without signalling. EPERM means it exists but
 * belongs to another user, so it counts as alive. A pid reused by an unrelated process also reads alive.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
