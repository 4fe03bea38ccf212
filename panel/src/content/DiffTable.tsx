import { shownValue, type FieldDifference } from './object-diff.js';

/** The fields that differ between two states of an object, side by side (older or public first). */
export function DiffTable({
  label,
  before,
  after,
  differences,
}: {
  /** The table's accessible name. */
  label: string;
  before: string;
  after: string;
  differences: FieldDifference[];
}) {
  return (
    <div className="table-wrap">
      <table className="table compare-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">{before}</th>
            <th scope="col">{after}</th>
          </tr>
        </thead>
        <tbody>
          {differences.map((d) => (
            <tr key={d.name}>
              <th scope="row">{d.label}</th>
              <td>{shownValue(d.public)}</td>
              <td>{shownValue(d.draft)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
