/** Flotiq's list envelope (COs, CTDs, versions, search). */
export interface ListEnvelope<T> {
  total_count: number;
  total_pages: number;
  current_page: number;
  count: number;
  data: T[];
}

export function envelope<T>(data: T[], total: number, page: number, limit: number): ListEnvelope<T> {
  return {
    total_count: total,
    total_pages: limit > 0 ? Math.ceil(total / limit) : 0,
    current_page: page,
    count: data.length,
    data,
  };
}

/** The same envelope as JSON text around items that are already JSON text (spliced objects). */
export function envelopeJson(items: string[], total: number, page: number, limit: number): string {
  const pages = limit > 0 ? Math.ceil(total / limit) : 0;
  return `{"total_count":${total},"total_pages":${pages},"current_page":${page},"count":${items.length},"data":[${items.join(',')}]}`;
}
