import { defineConfig } from "@trigger.dev/sdk";

// Trigger.dev is how Postdesk's background work scales past one machine. Without TRIGGER_SECRET_KEY
// the same lib/ functions run in the app's own embedded runner instead (see ARCHITECTURE.md, Jobs).
export default defineConfig({
  project: process.env.TRIGGER_PROJECT_REF ?? "proj_postdesk",
  dirs: ["./jobs"],
  maxDuration: 300,
  retries: {
    enabledInDev: false,
    default: { maxAttempts: 3, minTimeoutInMs: 1_000, maxTimeoutInMs: 30_000, factor: 2 },
  },
});
