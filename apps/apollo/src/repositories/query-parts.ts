/** The `where` fragment of keyset paging by id (see routes/paging.ts). */
export const afterId = (id: string | undefined) => (id === undefined ? {} : { id: { gt: id } });

/** A soft delete stamp; shared so every resource records deletion the same way. */
export const deletedNow = () => {
  const now = new Date();
  return { deletedAt: now, updatedAt: now };
};
