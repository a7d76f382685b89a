/**
 * A certificate's SHA-256 (64 hex digits) the way people compare it: upper case in 16 groups of four
 * ("9F3A 77C1 …"). `npm run hub` prints it so in its ready line and Pengaturan → "Hub & meja" shows it so at the hub
 * and at a desk (the certificate the desk pinned), so an admin can read one out and check the other group by group.
 */
export function groupedFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/.{1,4}/g) ?? []).join(' ')
}
