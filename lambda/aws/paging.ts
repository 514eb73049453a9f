/** Pages a List call to the end: `fetch` receives the previous page's token (undefined first). */
export const pageAll = async <T>(
  fetch: (token: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>,
): Promise<T[]> => {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...page.items);
    token = page.next;
  } while (token);
  return all;
};
