interface Props {
  page: number;
  totalPages: number;
  totalCount: number;
  onPage(page: number): void;
}

export function Pagination({ page, totalPages, totalCount, onPage }: Props) {
  if (totalPages <= 1) return <p className="pagination-summary">{totalCount === 1 ? '1 item' : `${totalCount} items`}</p>;
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" className="btn" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span aria-live="polite">
        Page {page} of {totalPages} · {totalCount} items
      </span>
      <button type="button" className="btn" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}
