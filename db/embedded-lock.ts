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
 * Returns the release function.
 */
export function acquireEmbeddedLock(dir: string): () => void {
  const lockPath = path.join(dir, "pglite.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        try {
          if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(fs.readFileSync(lockPath, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new EmbeddedDatabaseBusyError(dir, owner);
      }
      fs.unlinkSync(lockPath);
    }
  }
  throw new Error(`Could not take the embedded database lock at ${lockPath}`);
}
