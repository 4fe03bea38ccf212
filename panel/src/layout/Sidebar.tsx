import { Link, useRouter } from '../app/router.js';
import { Icon, type IconName } from '../ui/Icon.js';

const ITEMS: { to: string; label: string; icon: IconName }[] = [
  { to: '/content-types', label: 'Content types', icon: 'types' },
  { to: '/content', label: 'Content', icon: 'content' },
  { to: '/media', label: 'Media', icon: 'image' },
  { to: '/api-keys', label: 'API keys', icon: 'key' },
  { to: '/webhooks', label: 'Webhooks', icon: 'webhook' },
];

/** The main navigation; on narrow screens it folds away behind the menu button. */
export function Sidebar({ open }: { open: boolean }) {
  const { path } = useRouter();
  return (
    <nav id="sidebar" className={open ? 'sidebar sidebar-open' : 'sidebar'} aria-label="Main">
      <ul>
        {ITEMS.map((item) => {
          const active = path === item.to || path.startsWith(`${item.to}/`);
          return (
            <li key={item.to}>
              <Link to={item.to} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
                <Icon name={item.icon} />
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
