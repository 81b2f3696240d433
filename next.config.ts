import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** Sent with every response. */
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  // Ticket and invitation addresses never leave in a Referer to the sites a mail links to.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  headers: async () => [
    { source: "/:path*", headers: securityHeaders },
    // The Content-Security-Policy of what is not a page (API routes, the unsubscribe route, static
    // files): no other site may frame it. Pages get their full policy from proxy.ts, whose header
    // replaces this one. An attachment download sends its own (a sandbox): Next.js never lets a
    // route handler's header replace one set here or by the proxy, so neither touches that route,
    // nor a knowledge base's image (app/api/kb/images), which sends one too.
    {
      source: "/((?![^/]+/[^/]+/tickets/[^/]+/attachments/|api/kb/images/).*)",
      headers: [{ key: "Content-Security-Policy", value: "frame-ancestors 'none'" }],
    },
  ],
  // Native and WebAssembly packages load from node_modules at run time rather than being bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2"],
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
  // A staff reply may carry up to 20 MB of attachments (app/…/tickets/[ticketId]/reply-limits.ts):
  // room for that and the form around it, past the 1 MB (actions) and 10 MB (proxy) defaults.
  experimental: { serverActions: { bodySizeLimit: "25mb" }, proxyClientMaxBodySize: "25mb" },
};

export default withNextIntl(nextConfig);
