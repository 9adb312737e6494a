// Shows an engine error as the user needs it: what went wrong, and its code for support.
import type { ApiError } from '../../main/api/contract.ts';

export function ErrorNotice({ error, title }: { error: ApiError; title?: string }) {
  return (
    <div className="notice notice-error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {error.message} <span className="notice-code">({error.code})</span>
    </div>
  );
}
