// Copy and save of text the user hands to someone else (a CSR to the consortium CA). No network:
// the clipboard and a local file only.

/**
 * Copies `text`. The async clipboard can be denied (the desktop shell denies permission checks),
 * so the fallback selects `source` and uses the synchronous copy command of the user's click.
 */
export async function copyText(text: string, source: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!source) return false;
    source.focus();
    source.select();
    // Deprecated but still the only copy path without a clipboard permission.
    return document.execCommand('copy');
  }
}

/** Offers `text` as a file download (the CSV export goes through it too). */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A local file's bytes as base64 (for a PKCS#12 bundle); the file never leaves the engine's host. */
export function readFileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      const comma = url.indexOf(',');
      resolve(comma >= 0 ? url.slice(comma + 1) : '');
    };
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}.`));
    reader.readAsDataURL(file);
  });
}
