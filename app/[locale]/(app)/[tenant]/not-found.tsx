import { NotFoundContent } from "@/app/_components/not-found-content";

/** Something inside a workspace that is not there (a division of another company, say): keep the shell. */
export default function TenantNotFound() {
  return <NotFoundContent />;
}
