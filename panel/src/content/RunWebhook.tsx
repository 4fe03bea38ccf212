import { useState } from 'react';
import { webhooksApi } from '../api/webhooks.js';
import { useLoad } from '../app/use-load.js';
import { Icon } from '../ui/Icon.js';
import { RunWebhookDialog } from './RunWebhookDialog.js';
import { draftOf } from '../webhooks/webhook-draft.js';

/** Webhooks with the Custom action that cover `type`: empty content types cover every type. */
const customHooksFor = async (type: string) =>
  (await webhooksApi.list()).filter((w) => {
    const d = draftOf(w);
    return d.actions.includes('Custom') && (d.types.length === 0 || d.types.includes(type));
  });

/** "Run webhook" on an object's page: shown only when some webhook can be run on objects of this type. */
export function RunWebhook({ type, objectId }: { type: string; objectId: string }) {
  const { data } = useLoad(() => customHooksFor(type), type);
  const [open, setOpen] = useState(false);
  if (!data?.length) return null;
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        <Icon name="webhook" size={16} /> Run webhook
      </button>
      {open && <RunWebhookDialog hooks={data} type={type} objectId={objectId} onClose={() => setOpen(false)} />}
    </>
  );
}
