import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createArticle, setArticleState } from "../../lib/knowledge/articles";
import { uploadImage, viewableImage } from "../../lib/knowledge/images";
import { createKnowledgeBase } from "../../lib/knowledge/knowledge-bases";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** The smallest PNG there is: one transparent pixel. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

async function companyWithImage(options: { helpCenter: boolean }) {
  const company = await makeTenant(db, "Obrazki");
  const scope = operatorScope(company.tenant.id);
  const { kb, image } = await withTenant(db, scope.tenantId, async (tx) => {
    const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
    if (options.helpCenter) {
      await tx.update(divisions).set({ defaultKnowledgeBaseId: kb.id }).where(eq(divisions.id, company.divisionId));
    }
    const image = await uploadImage(tx, scope, { knowledgeBaseId: kb.id, filename: "drukarka.png", contentType: "image/png", content: PNG });
    return { kb, image };
  });
  const article = (state: "draft" | "internal" | "published") =>
    withTenant(db, scope.tenantId, (tx) =>
      createArticle(tx, scope, {
        knowledgeBaseId: kb.id,
        title: `Drukarka ${state}`,
        body: `Tak wygląda:\n\n![drukarka.png](${image.path})`,
        locale: "pl",
        state,
      }),
    );
  return { company, scope, kb, image, article };
}

const session = (userId: string) => ({ session: { userId, signInMethod: "password" as const }, configuredProviders: [] });
const anonymous = { session: null, configuredProviders: [] };

describe("knowledge base images", () => {
  it("an upload keeps a PNG and refuses an SVG, a file that only claims to be an image, and one over 5 MB", async () => {
    const { scope, kb, image } = await companyWithImage({ helpCenter: false });
    expect(image.path).toBe(`/api/kb/images/${image.id}`);
    const upload = (contentType: string, content: Buffer) =>
      withTenant(db, scope.tenantId, (tx) => uploadImage(tx, scope, { knowledgeBaseId: kb.id, filename: "x", contentType, content }));
    await expect(upload("image/svg+xml", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"))).rejects.toMatchObject({
      fieldErrors: { image: ["imageType"] },
    });
    await expect(upload("image/png", Buffer.from("<html><script>alert(1)</script>"))).rejects.toMatchObject({
      fieldErrors: { image: ["imageType"] },
    });
    const huge = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    await expect(upload("image/png", huge)).rejects.toMatchObject({ fieldErrors: { image: ["imageTooLarge"] } });
  });

  it("a member of the image's company sees it, a member of another company does not", async () => {
    const { company, image } = await companyWithImage({ helpCenter: false });
    const other = await makeTenant(db, "Inna");
    const seen = await viewableImage(db, image.id, session(company.user.id));
    expect(seen).toMatchObject({ contentType: "image/png", public: false });
    expect(Buffer.compare(seen!.content, PNG)).toBe(0);
    expect(await viewableImage(db, image.id, session(other.user.id))).toBeNull();
  });

  it("anyone sees an image a published help-center article shows, and only then", async () => {
    const { scope, image, article } = await companyWithImage({ helpCenter: true });
    expect(await viewableImage(db, image.id, anonymous)).toBeNull();
    const draft = await article("draft");
    await article("internal");
    expect(await viewableImage(db, image.id, anonymous)).toBeNull();
    await withTenant(db, scope.tenantId, (tx) => setArticleState(tx, scope, draft.id, "published"));
    expect(await viewableImage(db, image.id, anonymous)).toMatchObject({ contentType: "image/png", public: true });
  });

  it("a published article of a knowledge base no division shows in its help center leaves its images private", async () => {
    const { image, article } = await companyWithImage({ helpCenter: false });
    await article("published");
    expect(await viewableImage(db, image.id, anonymous)).toBeNull();
  });

  it("a malformed or unknown image id is not found, not an error", async () => {
    expect(await viewableImage(db, "not-a-uuid", anonymous)).toBeNull();
    expect(await viewableImage(db, crypto.randomUUID(), anonymous)).toBeNull();
  });
});
