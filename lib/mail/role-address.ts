/**
 * Local parts of addresses that name a role or a machine rather than a person who asked for mail:
 * the operations mailboxes of RFC 2142 ("Mailbox names for common services, roles and functions"),
 * plus the common no-reply forms and the bounce sender. Kept short on purpose: `info`, `sales`,
 * `support`, `security` (also in RFC 2142) and `admin` are inboxes people read and answer at many
 * small companies, so a mass mail to them is not a mistake; they are not listed.
 */
const ROLE_LOCAL_PARTS: ReadonlySet<string> = new Set([
  // RFC 2142 sections 4 and 5 (the operations mailboxes), with RFC 5321's postmaster.
  "postmaster",
  "hostmaster",
  "webmaster",
  "abuse",
  "noc",
  // Machines: the bounce sender and the account cron and daemons mail from.
  "mailer-daemon",
  "root",
  // No one reads what is sent here.
  "noreply",
  "no-reply",
  "donotreply",
  "do-not-reply",
]);

/**
 * Whether an address is a role or machine address (see ROLE_LOCAL_PARTS). Case does not matter and
 * a subaddress tag (`noreply+123@`) is ignored; only the whole local part counts, so
 * `jan.postmaster@` is a person.
 */
export function isRoleAddress(address: string): boolean {
  const at = address.lastIndexOf("@");
  if (at <= 0) return false;
  const local = address.slice(0, at).toLowerCase().split("+")[0]!;
  return ROLE_LOCAL_PARTS.has(local);
}
