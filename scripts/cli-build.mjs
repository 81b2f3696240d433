#!/usr/bin/env node
// The `postdesk` command's build: lib/cli/main.ts and everything of ours it imports (lib/, db/,
// messages/, through the `@/` alias), bundled by esbuild into .build/cli/ so that a command starts
// without compiling TypeScript. bin/postdesk.mjs runs the build when it is fresh and builds first
// when it is not; `node scripts/cli-build.mjs` (part of `npm run build`) builds it now.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ENTRY = "lib/cli/main.ts";
/** Not imported by the CLI, yet they change what esbuild makes of it. */
const BUILD_INPUTS = ["tsconfig.json", "package.json", "scripts/cli-build.mjs"];
/**
 * A build that is no longer the current one is removed once it is this old: a command that started
 * from it before a newer build replaced it may still load a chunk of it (a command's own code loads
 * when it runs, after the database is open, which for a new embedded database takes a while).
 */
const OLD_BUILD_GRACE_MS = 60 * 60_000;

/** Inside the repository, so that the packages the build imports resolve from its node_modules. */
export function cliBuildDir(root) {
  return path.join(root, ".build", "cli");
}

/**
 * The built CLI's entry file when the build is newer than every source it was built from, else
 * undefined. Cheap enough for every command: one small JSON read and a stat per source (the files
 * esbuild read, listed by the build), no walk of the source folders.
 */
export function freshCliEntry(root) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(cliBuildDir(root), "manifest.json"), "utf8"));
  } catch {
    return undefined;
  }
  const changed = manifest.sources.some((source) => {
    try {
      return fs.statSync(path.join(root, source)).mtimeMs > manifest.builtAt;
    } catch {
      return true; // removed or renamed: whatever imported it must be built again (and may fail)
    }
  });
  const entry = path.join(cliBuildDir(root), manifest.entry);
  return changed || !fs.existsSync(entry) ? undefined : entry;
}

/**
 * Builds the CLI into a folder of its own under .build/cli/ and makes it the current build; returns
 * its entry file. Several commands may build at once (the first run after a change): each writes
 * its own folder and the manifest is replaced in one rename, so none ever loads a half-written build.
 */
export async function buildCli(root) {
  const { build } = await import("esbuild");
  const buildDir = cliBuildDir(root);
  fs.mkdirSync(buildDir, { recursive: true });
  const outdir = fs.mkdtempSync(path.join(buildDir, "build-"));
  fs.chmodSync(outdir, 0o755); // mkdtemp makes it private to its creator
  // The folder's creation time, by the same clock as the sources' mtimes: a source saved while
  // esbuild runs is newer than the build, so the next command builds again.
  const builtAt = fs.statSync(outdir).mtimeMs;
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: { main: ENTRY },
      outdir,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      // Packages load from node_modules as they are, with their own files beside them (PGlite's wasm
      // and data, drizzle's migrators), and only when a command imports them.
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      tsconfig: path.join(root, "tsconfig.json"),
      // Each `await import()` of ours stays a file of its own, loaded when a command needs it. In one
      // file, esbuild would hoist the packages those modules import (imapflow, mailparser, openpgp)
      // to its top, and --help would load them all.
      splitting: true,
      // Read only when POSTDESK_DEBUG asks for stack traces (bin/postdesk.mjs); the sources are on disk.
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      logLevel: "error",
    });
  } catch (error) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  const manifest = {
    builtAt,
    entry: path.join(path.basename(outdir), "main.mjs"),
    sources: [...Object.keys(result.metafile.inputs), ...BUILD_INPUTS],
  };
  const temporary = path.join(buildDir, `manifest.json.${process.pid}`);
  fs.writeFileSync(temporary, JSON.stringify(manifest, null, 1));
  fs.renameSync(temporary, path.join(buildDir, "manifest.json"));
  removeOldBuilds(buildDir, path.basename(outdir));
  return path.join(buildDir, manifest.entry);
}

function removeOldBuilds(buildDir, current) {
  const now = Date.now();
  for (const entry of fs.readdirSync(buildDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith("build-") || entry.name === current) continue;
    const folder = path.join(buildDir, entry.name);
    try {
      if (now - fs.statSync(folder).mtimeMs > OLD_BUILD_GRACE_MS) fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // Another command removed it first.
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  try {
    const entry = await buildCli(root);
    console.log(`Postdesk: built the CLI into ${path.relative(root, path.dirname(entry))}/`);
  } catch (error) {
    if (!error.errors) console.error(error.message); // else esbuild has printed what is wrong
    process.exit(1);
  }
}
