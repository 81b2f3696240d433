import { spawnSync } from "node:child_process";
import path from "node:path";
import { type Figure, percentile, progress } from "./report";
import { makeTenant } from "../setup/db";
import type { Measurement } from "./stack";

const RUNS = 5;
const repoRoot = path.resolve(import.meta.dirname, "../..");

export const cli: Measurement = {
  name: "cli",
  summary: `median wall time of \`postdesk --help\` and \`postdesk report\`, ${RUNS} runs each`,
  async run(bench) {
    const { db, url } = await bench.database();
    const company = await makeTenant(db, "Reporter");
    const figures: Figure[] = [];
    for (const args of [["--help"], ["report", "--division", company.divisionId]]) {
      const shown = args.slice(0, 1).join(" ");
      const bar = progress(`postdesk ${shown}`, RUNS);
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const run = spawnSync(process.execPath, [path.join(repoRoot, "bin", "postdesk.mjs"), ...args], {
          cwd: repoRoot,
          env: { ...process.env, DATABASE_URL: url },
          encoding: "utf8",
        });
        samples.push(performance.now() - started);
        if (run.status !== 0) throw new Error(`postdesk ${args.join(" ")} exited ${run.status}:\n${run.stderr.slice(-2000)}`);
        bar.increment();
      }
      bar.stop();
      figures.push({
        measurement: "cli",
        name: `node bin/postdesk.mjs ${shown}, median`,
        value: percentile(samples, 0.5) / 1000,
        unit: "s",
        target: { op: "<=", value: 1 },
        note: "issue: \"well under a second\"",
      });
    }
    return figures;
  },
};
