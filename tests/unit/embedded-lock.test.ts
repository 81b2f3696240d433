import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireEmbeddedLock, EmbeddedDatabaseBusyError } from "../../db/embedded-lock";

const dirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-lock-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the embedded database lock", () => {
  it("is refused while another live process holds it, naming that process", async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      fs.writeFileSync(path.join(dir, "pglite.lock"), String(other.pid));
      let refusal: unknown;
      try {
        acquireEmbeddedLock(dir);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(EmbeddedDatabaseBusyError);
      expect(refusal).toMatchObject({ pid: other.pid, dir });
      expect(fs.readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it("is taken over from a process that died without releasing it", () => {
    const dir = tempDir();
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]);
    fs.writeFileSync(path.join(dir, "pglite.lock"), String(gone.pid));
    const release = acquireEmbeddedLock(dir);
    expect(fs.readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, "pglite.lock"))).toBe(false);
  });

  it("can be taken again once released", () => {
    const dir = tempDir();
    acquireEmbeddedLock(dir)();
    const again = acquireEmbeddedLock(dir);
    expect(fs.readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe(String(process.pid));
    again();
  });

  it("a release leaves alone a lock that another process has taken over since", () => {
    const dir = tempDir();
    const release = acquireEmbeddedLock(dir);
    fs.writeFileSync(path.join(dir, "pglite.lock"), "999999999");
    release();
    expect(fs.readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe("999999999");
  });
});
