import { useEffect, useState } from 'react';
import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';
import type { OpenApiDocument } from '../../api/open-api.js';

/** The parts of Swagger UI's plugin system used here (it is untyped upstream). */
interface SwaggerSystem {
  preauthorizeApiKey(scheme: string, value: string): void;
}

interface Props {
  doc: OpenApiDocument;
  /** Schemes that carry the key in `X-AUTH-TOKEN`. */
  schemes: string[];
  /** The key's value once the person revealed it (it stays until the page is left); until then the renderer never gets it. */
  apiKey: string | undefined;
}

// "Try it" calls carry the key the person chose to use, never the Panel's session cookie
const withoutCookies = (req: { credentials?: RequestCredentials }) => {
  req.credentials = 'omit';
  return req;
};

/**
 * Swagger UI (bundled; it renders with React, so its styles are CSSOM writes and one stylesheet, which the Panel's
 * `style-src 'self'` allows). Keys are never kept in the browser's storage (`persistAuthorization` off).
 */
export function SwaggerView({ doc, schemes, apiKey }: Props) {
  const [system, setSystem] = useState<SwaggerSystem | undefined>();

  useEffect(() => {
    if (system && apiKey) for (const s of schemes) system.preauthorizeApiKey(s, apiKey);
  }, [system, schemes, apiKey]);

  return (
    <div className="api-docs-renderer">
      <SwaggerUI
        spec={doc}
        onComplete={(s: SwaggerSystem) => setSystem(s)}
        requestInterceptor={withoutCookies}
        persistAuthorization={false}
        deepLinking={false}
        queryConfigEnabled={false}
        docExpansion="list"
        defaultModelsExpandDepth={0}
        displayRequestDuration
      />
    </div>
  );
}
