// A modal confirmation on the native <dialog> (focus kept inside, Escape cancels); mounted only
// while it is needed.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { ApiError } from '../../main/api/contract.ts';
import { ErrorNotice } from './error-notice.tsx';

export function ConfirmDialog({
  title,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
  children,
  testId,
}: {
  title: string;
  confirmLabel: string;
  busy: boolean;
  error: ApiError | null;
  onConfirm(): void;
  onClose(): void;
  children: ReactNode;
  testId: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        // Escape closes through React state, so the parent stays the owner of "open".
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h3 id={titleId}>{title}</h3>
      <div className="confirm-dialog-body">{children}</div>
      {error ? <ErrorNotice error={error} title="Not done" /> : null}
      <div className="button-row confirm-dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="button button-primary" onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
