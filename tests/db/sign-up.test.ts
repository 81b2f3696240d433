import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions, emailTemplates, memberships } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { authenticate } from "../../lib/auth/sign-in";
import { RuleError } from "../../lib/errors";
import { signUp } from "../../lib/tenants/sign-up";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

describe("sign-up", () => {
  it("creates the company, its owner and a first division with default templates in one go", async () => {
    const { tenant, user, divisionId, email, password } = await makeTenant(db, "Łódź Café");
    expect(tenant.slug).toMatch(/^lodz-cafe-[0-9a-f]{8}$/);
    const [membership] = await db.select().from(memberships).where(eq(memberships.userId, user.id));
    expect(membership?.role).toBe("owner");
    const division = await withTenant(db, tenant.id, async (tx) => {
      const [d] = await tx.select().from(divisions).where(eq(divisions.id, divisionId));
      const templates = await tx.select().from(emailTemplates).where(eq(emailTemplates.divisionId, divisionId));
      return { ...d!, templates };
    });
    expect(division.tag).toBe("LODZCA");
    expect(division.templates).toHaveLength(14); // seven kinds, in English and Polish
    expect(division.unprocessedTemplateId).toBe(
      division.templates.find((t) => t.kind === "notify_unprocessed" && t.locale === "en")?.id,
    );
    expect((await authenticate(db, { email, password })).ok).toBe(true);
  });

  it("refuses an email that already has an account and leaves nothing behind", async () => {
    const first = await makeTenant(db, "Taken");
    const attempt = signUp(db, {
      companyName: "Second Company",
      adminName: "Someone",
      email: first.email.toUpperCase(),
      password: "Another-Password-1",
    });
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({ fieldErrors: { email: ["emailTaken"] } });
  });

  it("gives two companies of the same name different slugs", async () => {
    const a = await signUp(db, {
      companyName: "Twin Co",
      adminName: "A",
      email: `a-${Date.now()}@twin.test`,
      password: "Correct-Horse-9",
    });
    const b = await signUp(db, {
      companyName: "Twin Co",
      adminName: "B",
      email: `b-${Date.now()}@twin.test`,
      password: "Correct-Horse-9",
    });
    expect(a.tenant.slug).not.toBe(b.tenant.slug);
  });

  it("never gives a company a slug that is a public path of the app", async () => {
    const { tenant } = await signUp(db, {
      companyName: "Unsubscribe",
      adminName: "U",
      email: `u-${Date.now()}@reserved.test`,
      password: "Correct-Horse-9",
    });
    expect(tenant.slug).toMatch(/^unsubscribe-\d+$/);
  });
});
