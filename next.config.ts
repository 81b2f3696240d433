import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // Native and WebAssembly packages load from node_modules at run time rather than being bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2"],
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
};

export default withNextIntl(nextConfig);
