import { Link, useRouter } from '../app/router.js';
import { Icon, type IconName } from '../ui/Icon.js';
import { useSession } from '../app/session.js';
import { can } from '../users/can.js';

type Needs = 'content-types' | 'keys' | 'webhooks' | 'users';
const ITEMS: { to: string; label: string; icon: IconName; needs?: Needs }[] = [
  { to: '/content-types', label: 'Content types', icon: 'types', needs: 'content-types' },
  { to: '/content', label: 'Content', icon: 'content' },
  { to: '/media', label: 'Media', icon: 'image' },
  { to: '/api-keys', label: 'API keys', icon: 'key', needs: 'keys' },
  { to: '/webhooks', label: 'Webhooks', icon: 'webhook', needs: 'webhooks' },
];

/** The main navigation; on narrow screens it folds away behind the menu button. */
export function Sidebar({ open }: { open: boolean }) {
  const { path } = useRouter();
  const session = useSession();
  return (
    <nav id="sidebar" className={open ? 'sidebar sidebar-open' : 'sidebar'} aria-label="Main">
      <ul>
        {ITEMS.filter((item) => !item.needs || can(session, item.needs)).map((item) => {
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
