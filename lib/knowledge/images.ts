import { and, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { articles, knowledgeBaseImages, tenants } from "@/db/schema";
import { withTenant, type TenantScope } from "@/db/tenant";
import { tenantAccess, type SessionIdentity } from "@/lib/auth/context";
import { RuleError } from "@/lib/errors";
import type { OAuthProviderId } from "@/lib/oauth/providers";
import { getKnowledgeBase } from "./knowledge-bases";
import { knowledgeBaseImagePath } from "./markdown";
import { publicArticle } from "./public";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * The image types an article may show, each with how its file begins. The declared type is what
 * the image is served as, so the bytes must be that type: an HTML page sent as `image/png` is refused
 * here rather than trusted to nosniff alone.
 */
const IMAGE_SIGNATURES: Record<string, (bytes: Buffer) => boolean> = {
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/jpeg": (b) => b.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])),
  "image/gif": (b) => ["GIF87a", "GIF89a"].includes(b.subarray(0, 6).toString("latin1")),
  "image/webp": (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
};

export const IMAGE_TYPES = Object.keys(IMAGE_SIGNATURES);

export interface ImageUpload {
  knowledgeBaseId: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A file's name as kept and written into Markdown: no folders, no brackets or line breaks, not empty. */
export function imageFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\u0000-\u001f\u007f[\]()<>]/g, "").trim().slice(0, 200);
  return cleaned || "image";
}

/**
 * Stores an image in a knowledge base, for an article to show at `path` (any member who writes
 * articles may; PNG, JPEG, GIF or WebP, at most 5 MB). Problems are the `image` field's errors.
 */
export async function uploadImage(
  tx: Executor,
  scope: TenantScope,
  upload: ImageUpload,
): Promise<{ id: string; filename: string; path: string }> {
  await getKnowledgeBase(tx, scope, upload.knowledgeBaseId);
  const contentType = upload.contentType.toLowerCase().split(";")[0]!.trim();
  const matches = IMAGE_SIGNATURES[contentType];
  if (upload.content.length === 0) throw new RuleError("invalidInput", { image: ["required"] });
  if (!matches || !matches(upload.content)) throw new RuleError("invalidInput", { image: ["imageType"] });
  if (upload.content.length > MAX_IMAGE_BYTES) throw new RuleError("invalidInput", { image: ["imageTooLarge"] });
  const filename = imageFilename(upload.filename);
  const [image] = await tx
    .insert(knowledgeBaseImages)
    .values({
      tenantId: scope.tenantId,
      knowledgeBaseId: upload.knowledgeBaseId,
      filename,
      contentType,
      size: upload.content.length,
      content: upload.content,
      uploadedById: scope.userId,
    })
    .returning({ id: knowledgeBaseImages.id });
  if (!image) throw new Error("Image insert returned nothing");
  return { id: image.id, filename, path: knowledgeBaseImagePath(image.id) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ViewableImage {
  contentType: string;
  content: Buffer;
  /** Shown by a published article of the help center: anyone may fetch it, and caches may keep it. */
  public: boolean;
}

export interface ImageViewer {
  /** The visitor's session, if signed in. */
  session: SessionIdentity | null;
  /** The sign-in providers this server offers (a company's required sign-in is checked against them). */
  configuredProviders: readonly OAuthProviderId[];
}

/**
 * An uploaded image, if this visitor may see it: a member of its company (who may enter it as the
 * company requires), or anyone when a published article of the public help center (publicArticle,
 * in the image's own knowledge base) shows it. Anything else is null, as a missing image is, so ids
 * of other companies' images cannot be probed.
 */
export async function viewableImage(db: Database, imageId: string, viewer: ImageViewer): Promise<ViewableImage | null> {
  // Postgres rejects a malformed uuid with an error; to a visitor it is simply not found.
  if (!UUID.test(imageId)) return null;
  // Whose image it is comes before any tenant is known: as the connection's own role (lib/tenants/lookup.ts).
  const [owner] = await db
    .select({ tenantId: tenants.id, slug: tenants.slug })
    .from(knowledgeBaseImages)
    .innerJoin(tenants, eq(tenants.id, knowledgeBaseImages.tenantId))
    .where(eq(knowledgeBaseImages.id, imageId));
  if (!owner) return null;
  const member =
    viewer.session !== null &&
    (await tenantAccess(db, viewer.session, owner.slug, viewer.configuredProviders)).type === "ok";
  const image = await withTenant(db, owner.tenantId, async (tx) => {
    const shownBy = sql`'src="' || ${knowledgeBaseImagePath(imageId)} || '"'`;
    const [row] = await tx
      .select({
        contentType: knowledgeBaseImages.contentType,
        content: knowledgeBaseImages.content,
        public: sql<boolean>`exists (select 1 from ${articles} where ${and(
          publicArticle(owner.tenantId),
          eq(articles.knowledgeBaseId, knowledgeBaseImages.knowledgeBaseId),
          sql`strpos(${articles.bodyHtml}, ${shownBy}) > 0`,
        )})`,
      })
      .from(knowledgeBaseImages)
      .where(and(eq(knowledgeBaseImages.tenantId, owner.tenantId), eq(knowledgeBaseImages.id, imageId)));
    return row ?? null;
  });
  if (!image || !(member || image.public)) return null;
  return image;
}
