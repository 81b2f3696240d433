import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/database.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Test files share one database per run; each test makes its own tenants, so files may run in
    // parallel, but two cores gain nothing from more than two workers.
    maxWorkers: 2,
    // next-intl's ESM imports `next/navigation` without an extension, which Node's resolver refuses:
    // let Vite resolve it instead.
    server: { deps: { inline: ["next-intl"] } },
    env: {
      POSTDESK_SECRET_KEY: "test:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      // The test servers run on loopback, which a hosted Postdesk refuses (lib/mail/host-policy.ts);
      // the tests of that refusal take this away.
      POSTDESK_MAIL_HOSTS_ALLOW: "127.0.0.0/8,::1",
    },
  },
});
