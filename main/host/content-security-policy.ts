// The renderer's Content Security Policy, sent by both hosts that serve it (the Electron app://
// protocol and the loopback web host): only its own scripts, styles and connections; no
// framing, no forms, nothing remote. renderer/index.html repeats it in a meta tag.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
