#!/usr/bin/env node
// `npm start`: build when the sources changed since the last build, then serve on PORT (3000).
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { needsBuild } from "./build-state.mjs";
import { buildCli, freshCliEntry } from "./cli-build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const next = path.join(root, "node_modules", "next", "dist", "bin", "next");

if (needsBuild(root)) {
  console.log("Postdesk: building the app (first start or changed sources; about 1–2 minutes)…");
  const build = spawnSync(process.execPath, [next, "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// The `postdesk` command's build too (under a second), so its first command starts at once. The app
// does not need it: a CLI that does not build is reported and the app starts all the same.
if (!freshCliEntry(root)) {
  await buildCli(root).catch(() => console.error("Postdesk: the CLI (`npx postdesk`) does not build, see above"));
}

const port = process.env.PORT ?? "3000";
if (!process.env.DATABASE_URL) {
  console.log("Postdesk: no DATABASE_URL, using the embedded database in .data/");
}
const server = spawn(process.execPath, [next, "start", "--port", port, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  // Self-hosted: trust the Host header for sign-in redirects unless NEXTAUTH_URL pins the address.
  env: { AUTH_TRUST_HOST: "true", ...process.env },
});
// The server stops its embedded worker (leases given back) before it exits (lib/dispatch/shutdown.ts).
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
// `npm start` runs this script through `sh -c`: a SIGTERM to npm is passed to that shell, which dies
// without passing it on, and this process would serve on as an orphan. Its parent changing is the
// sign: stop as on SIGTERM.
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  server.kill("SIGTERM");
}, 500);
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
