import type { ContentService } from '../content/content.service.js';
import type { Principal } from '../core/principal.js';
import type { RelationLoader } from './loader.js';

/** Per-request execution context: who asks, the one read path (ContentService), and the batching loader. */
export interface GraphqlContext {
  principal: Principal;
  content: ContentService;
  loader: RelationLoader;
}
