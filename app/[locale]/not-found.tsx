import { NotFoundContent } from "@/app/_components/not-found-content";

export default function LocaleNotFound() {
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <NotFoundContent />
    </main>
  );
}
