export type ContentView = 'draft' | 'public';

const VIEWS: { view: ContentView; label: string; hint: string }[] = [
  { view: 'draft', label: 'Draft', hint: 'The latest state of every object, drafts included' },
  { view: 'public', label: 'Public', hint: 'What the world sees: published versions only' },
];

/** Draft (the preview: latest state, drafts included) or Public (what API keys without preview see). */
export function ViewSwitch({ view, onChange }: { view: ContentView; onChange(view: ContentView): void }) {
  return (
    <div className="view-switch" role="group" aria-label="View">
      {VIEWS.map((v) => (
        <button
          key={v.view}
          type="button"
          className="view-switch-option"
          aria-pressed={view === v.view}
          title={v.hint}
          onClick={() => onChange(v.view)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}
