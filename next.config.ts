import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // Native and WebAssembly packages load from node_modules at run time rather than being bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2"],
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
  // A staff reply may carry up to 20 MB of attachments (app/…/tickets/[ticketId]/reply-limits.ts):
  // room for that and the form around it, past the 1 MB (actions) and 10 MB (proxy) defaults.
  experimental: { serverActions: { bodySizeLimit: "25mb" }, proxyClientMaxBodySize: "25mb" },
};

export default withNextIntl(nextConfig);
