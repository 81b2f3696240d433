#!/usr/bin/env node
// `npm test`: make sure the system tools the tests drive are installed, then run every test.
// On Debian as root, missing packages are installed with apt-get; elsewhere we stop and say how.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Debian package → a file it provides that the tests use. */
const systemPackages = {
  chromium: "/usr/bin/chromium",
  "postgresql-client": "/usr/bin/pg_dump",
  // tests/setup/private-postgres.ts runs a PostgreSQL cluster of its own (initdb, pg_ctl) for the
  // tests that stop the database under a worker; the shared server is never stopped.
  "postgresql-15": "/usr/lib/postgresql/15/bin/initdb",
  // tests/setup/dovecot.ts runs a private Dovecot (IMAP, POP3, LMTP) for the mail tests.
  "dovecot-imapd": "/usr/lib/dovecot/imap",
  "dovecot-pop3d": "/usr/lib/dovecot/pop3",
  "dovecot-lmtpd": "/usr/lib/dovecot/lmtp",
  // tests/setup/mailutils.ts runs GNU Mailutils imap4d and pop3d, the second real mail server.
  "mailutils-imap4d": "/usr/sbin/imap4d",
  "mailutils-pop3d": "/usr/sbin/pop3d",
};

/** Services the packages above start on a systemd host (on ports 143 and 110): the tests run their own. */
const systemServices = ["mailutils-imap4d", "mailutils-pop3d"];

const missing = Object.entries(systemPackages)
  .filter(([, file]) => !fs.existsSync(file))
  .map(([pkg]) => pkg);

if (missing.length > 0) {
  const install = `apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  const isDebian = fs.existsSync("/etc/debian_version");
  const isRoot = process.getuid?.() === 0;
  if (!isDebian || !isRoot) {
    console.error(`The tests need: ${missing.join(", ")}. Install them first, e.g.\n  sudo apt-get update && sudo ${install}`);
    process.exit(1);
  }
  console.log(`Installing what the tests need: ${missing.join(", ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const command of ["apt-get update -qq", install]) {
    const result = spawnSync("sh", ["-c", command], { stdio: "inherit", env });
    if (result.status !== 0) {
      console.error(`Failed: ${command}`);
      process.exit(result.status ?? 1);
    }
  }
  if (fs.existsSync("/run/systemd/system")) {
    spawnSync("systemctl", ["disable", "--now", ...systemServices], { stdio: "inherit" });
  }
}

const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const run = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(run.status ?? 1);
