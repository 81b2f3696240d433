import { notFound } from "next/navigation";

/** Any other path under a locale: the localized not-found page rather than Next's default one. */
export default function UnknownPage() {
  notFound();
}
