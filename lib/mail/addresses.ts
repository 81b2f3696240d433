/** The domain of an address or a Message-ID (`local@domain`), lower-cased: what follows the last `@`. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}
