import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "../setup/cli";

const run = promisify(execFile);

/** Loaded before the command (`node --import`): it fails if Node is asked for tsx or a TypeScript file. */
const refuseTypeScript = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === "tsx" || specifier.startsWith("tsx/")) throw new Error("tsx imported");
  const resolved = await next(specifier, context);
  if (/\\.[cm]?tsx?$/.test(new URL(resolved.url).pathname)) throw new Error("TypeScript loaded: " + resolved.url);
  return resolved;
}`)}`;
const withoutTypeScript = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module"; register(${JSON.stringify(refuseTypeScript)});`,
)}`;

const copies: string[] = [];
afterEach(() => {
  for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * What the CLI is built from, copied beside a link to the repository's node_modules, so a test can
 * change a source (and build into its own .build/) without touching the repository's.
 */
function copyOfRepository(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-cli-build-"));
  copies.push(copy);
  for (const entry of ["bin", "lib", "db", "messages", "tsconfig.json", "package.json", "scripts/cli-build.mjs"]) {
    fs.cpSync(path.join(repoRoot, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}

async function help(copy: string): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, ["--import", withoutTypeScript, path.join(copy, "bin", "postdesk.mjs"), "--help"]);
  expect(stderr).toBe("");
  return stdout;
}

/** The build folder the launcher currently runs. */
function currentBuild(copy: string): string {
  return JSON.parse(fs.readFileSync(path.join(copy, ".build", "cli", "manifest.json"), "utf8")).entry;
}

describe("the postdesk command's build", () => {
  it("is made by the first command, and commands run it without loading tsx or any TypeScript", async () => {
    const copy = copyOfRepository();
    expect(await help(copy)).toContain("Usage: postdesk <command> [options]");
    const build = currentBuild(copy);
    expect(fs.existsSync(path.join(copy, ".build", "cli", build))).toBe(true);

    expect(await help(copy)).toContain("Usage: postdesk <command> [options]");
    expect(currentBuild(copy)).toBe(build);
  });

  it("is made again when a source it was built from changed, and the command runs the change", async () => {
    const copy = copyOfRepository();
    await help(copy);
    const build = currentBuild(copy);

    const source = path.join(copy, "lib", "cli", "main.ts");
    fs.writeFileSync(source, fs.readFileSync(source, "utf8").replace("Usage: postdesk <command>", "Usage (changed): postdesk <command>"));

    expect(await help(copy)).toContain("Usage (changed): postdesk <command> [options]");
    expect(currentBuild(copy)).not.toBe(build);
  });
});
