import { type NextRequest, NextResponse } from "next/server";
import { getDb } from "@/db";
import { appUrl } from "@/lib/app-url";
import { currentUserId } from "@/lib/auth/session";
import { finishConnect } from "@/lib/mailboxes/oauth-connect";
import { type ConnectResult, connectResultOf } from "@/lib/mailboxes/oauth-connection";
import { RETURN_COOKIE, returnPathOf } from "./return-to";

/**
 * The provider sends the browser back here after "Connect with …": finish the connect as the
 * signed-in user and return to the mailbox page, whose banner says how it went.
 */
export async function GET(request: NextRequest) {
  const back = returnPathOf(request.cookies.get(RETURN_COOKIE)?.value);
  const userId = await currentUserId();
  if (!userId) return NextResponse.redirect(appUrl(`/${back?.split("/")[1] ?? "en"}/sign-in`));
  let result: ConnectResult;
  try {
    result = connectResultOf(await finishConnect(await getDb(), { callbackUrl: request.url, userId, now: new Date() }, { env: process.env }));
  } catch (error) {
    console.error("Finishing an OAuth connect failed", error);
    result = "error";
  }
  const response = NextResponse.redirect(appUrl(back ? `${back}?oauth=${result}` : "/"));
  response.cookies.delete({ name: RETURN_COOKIE, path: "/api/oauth/callback" });
  return response;
}
