// SHA-256 and UTF-8 size of a text, computed here, so the steward can see that the hash the
// engine reports is the hash of the very text on screen.
import { useEffect, useState } from 'react';

export interface TextDigest {
  sha256: string;
  bytes: number;
}

/** null while computing, or where WebCrypto is unavailable (not a secure context). */
export function useSha256(text: string | null): TextDigest | null {
  const [digest, setDigest] = useState<{ text: string; value: TextDigest } | null>(null);
  useEffect(() => {
    if (text === null || !globalThis.crypto?.subtle) return;
    let live = true;
    const bytes = new TextEncoder().encode(text);
    crypto.subtle.digest('SHA-256', bytes).then(
      (buffer) => {
        if (!live) return;
        const sha256 = Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
        setDigest({ text, value: { sha256, bytes: bytes.byteLength } });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [text]);
  return digest && digest.text === text ? digest.value : null;
}
