import { getDb } from "@/db";
import { currentSession } from "@/lib/auth/session";
import { viewableImage } from "@/lib/knowledge/images";
import { configuredProviderIds } from "@/lib/oauth/providers";

interface Context {
  params: Promise<{ imageId: string }>;
}

/**
 * An image uploaded into a knowledge base, at the address an article's Markdown names
 * (lib/knowledge/markdown.ts). Who may see it is lib/knowledge/images.ts' rule; anyone else gets
 * the 404 of a missing image. Outside `[locale]` and the proxy (see proxy.ts), and outside
 * next.config.ts' policy, so that this policy is the response's only one.
 */
export async function GET(_request: Request, { params }: Context): Promise<Response> {
  const { imageId } = await params;
  const image = await viewableImage(await getDb(), imageId, {
    session: await currentSession(),
    configuredProviders: configuredProviderIds(process.env),
  });
  if (!image) return new Response("Not found.\n", { status: 404, headers: { "Cache-Control": "no-store" } });
  return new Response(new Uint8Array(image.content), {
    headers: {
      "Content-Type": image.contentType,
      "Content-Length": String(image.content.length),
      "X-Content-Type-Options": "nosniff",
      // Opened on its own, an image runs nothing and loads nothing, even if a browser thought it more.
      "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
      // An image never changes under its id; whether the public may see it can (an article unpublished).
      "Cache-Control": image.public ? "public, max-age=600" : "private, max-age=600",
    },
  });
}
