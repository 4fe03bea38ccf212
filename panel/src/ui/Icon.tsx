/** Line icons drawn inline (no icon font, nothing fetched); always decorative: the button carries the name. */
const PATHS = {
  eye: 'M1.5 12S5.5 5 12 5s10.5 7 10.5 7-4 7-10.5 7S1.5 12 1.5 12z M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  eyeOff:
    'M3 3l18 18 M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10.5 7 10.5 7a17 17 0 0 1-3.2 3.9 M6.6 6.6A17 17 0 0 0 1.5 12S5.5 19 12 19a9.6 9.6 0 0 0 5.4-1.6 M9.9 9.9a3 3 0 0 0 4.2 4.2',
  copy: 'M9 9h11v11H9z M5 15H4V4h11v1',
  qr: 'M3 3h7v7H3z M14 3h7v7h-7z M3 14h7v7H3z M14 14h3v3h-3z M18 18h3v3h-3z M6 6h1v1H6z M17 6h1v1h-1z M6 17h1v1H6z',
  refresh: 'M20 11a8 8 0 0 0-14.3-4.9L4 8 M4 4v4h4 M4 13a8 8 0 0 0 14.3 4.9L20 16 M20 20v-4h-4',
  trash: 'M4 7h16 M10 11v6 M14 11v6 M6 7l1 13h10l1-13 M9 7V4h6v3',
  plus: 'M12 5v14 M5 12h14',
  close: 'M6 6l12 12 M18 6L6 18',
  up: 'M12 19V5 M6 11l6-6 6 6',
  down: 'M12 5v14 M6 13l6 6 6-6',
  save: 'M5 4h11l3 3v13H5z M8 4v5h7V4 M8 20v-6h8v6',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z M21 21l-5-5',
  file: 'M6 3h8l5 5v13H6z M14 3v5h5',
  image: 'M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4 M15.5 9.5a1.5 1.5 0 1 0 0-.01',
  types: 'M4 4h7v7H4z M13 4h7v7h-7z M4 13h7v7H4z M13 13h7v7h-7z',
  content: 'M5 4h14v16H5z M8 8h8 M8 12h8 M8 16h5',
  key: 'M14.5 9.5a5 5 0 1 0-1.3 3.4L21 20.6 M17 17l2-2 M15 19l2-2',
  menu: 'M4 6h16 M4 12h16 M4 18h16',
  upload: 'M12 16V4 M7 9l5-5 5 5 M4 16v4h16v-4',
  edit: 'M4 20h4L19 9l-4-4L4 16z M13 7l4 4',
  chevron: 'M6 9l6 6 6-6',
  webhook: 'M12 4a3 3 0 0 0-2.6 4.5L6 14 M6 14a3 3 0 1 0 3 3h6 M15 17a3 3 0 1 0 3-3l-3.4-5.5 M12 4a3 3 0 0 1 2.6 4.5',
  send: 'M4 12l16-8-6 16-2-6z M12 14l8-10',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
