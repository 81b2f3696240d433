import fs from "node:fs";
import path from "node:path";

export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is in use by another Postdesk process (pid ${pid}), ` +
        `probably the running app. Stop that process first, or set DATABASE_URL to use a Postgres server ` +
        `that several processes can share.`,
    );
    this.name = "EmbeddedDatabaseBusyError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is a single-process database: two processes opening the same folder corrupt it. A lock file
 * holding the owner's pid keeps a second process out; a lock left by a dead process is taken over.
 * The lock appears by hard-linking a fully written temp file, so nobody ever reads a half-written
 * pid, and a stale lock is moved aside by rename, which only one process can win.
 * Returns the release function.
 */
export function acquireEmbeddedLock(dir: string): () => void {
  const lockPath = path.join(dir, "pglite.lock");
  const mine = path.join(dir, `pglite.lock.${process.pid}`);
  fs.writeFileSync(mine, String(process.pid));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(mine, lockPath);
        return releaser(lockPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readOwner(lockPath);
      if (owner === null) continue;
      if (owner !== process.pid && isAlive(owner)) throw new EmbeddedDatabaseBusyError(dir, owner);
      const aside = `${lockPath}.stale.${process.pid}`;
      try {
        fs.renameSync(lockPath, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        continue;
      }
      // Another process may have replaced the stale lock with its own live one between our read and
      // the rename: if what we moved aside is not the stale lock, put it back and yield to its owner.
      const moved = readOwner(aside);
      if (moved !== owner && moved !== null && isAlive(moved)) {
        fs.renameSync(aside, lockPath);
        throw new EmbeddedDatabaseBusyError(dir, moved);
      }
      fs.rmSync(aside, { force: true });
    }
    throw new Error(`Could not take the embedded database lock at ${lockPath}`);
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

function readOwner(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function releaser(lockPath: string): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    if (readOwner(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
  };
  process.on("exit", release);
  return release;
}
