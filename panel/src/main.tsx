import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/page.css';
import './styles/forms.css';
import './styles/overlays.css';
import './styles/lists.css';
import './styles/auth.css';
import './styles/keys.css';
import './styles/content-types.css';
import './styles/content.css';
import './styles/media.css';
import './styles/webhooks.css';
import './styles/publication.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
