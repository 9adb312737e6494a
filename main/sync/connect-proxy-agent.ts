// HTTPS through an outbound HTTP proxy: a CONNECT tunnel to the store (RFC 7231 §4.3.6, request
// target in authority-form, RFC 7230 §5.3.3), then TLS with the institution's client certificate
// inside it. The proxy relays bytes and sees neither the client certificate nor the requests.
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent } from 'node:https';
import type { AgentOptions, RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { InvalidInputError } from '../util/errors.ts';

/** An outbound proxy: `http://host:port`, with optional Basic credentials (RFC 7617). */
export interface HttpsProxyOptions {
  url: string;
  username?: string;
  password?: string;
}

/** The proxy refused or failed the CONNECT; statusCode is the proxy's answer (407: credentials). */
export class ProxyTunnelError extends Error {
  override readonly name = 'ProxyTunnelError';
  constructor(
    message: string,
    readonly code: 'EPROXYAUTH' | 'EPROXYREFUSED' | 'EPROXYTIMEOUT',
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

interface ParsedProxy {
  host: string;
  port: number;
  authorization?: string;
}

function parseProxy(proxy: HttpsProxyOptions): ParsedProxy {
  let url: URL;
  try {
    url = new URL(proxy.url);
  } catch {
    throw new InvalidInputError(`The proxy address "${proxy.url}" is not a URL such as http://proxy.example:3128.`, 'invalid-proxy');
  }
  if (url.protocol !== 'http:') {
    throw new InvalidInputError('Only http:// proxies are supported; the TLS to the store runs inside the CONNECT tunnel.', 'invalid-proxy');
  }
  const username = proxy.username ?? decodeURIComponent(url.username);
  const password = proxy.password ?? decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 80 : Number(url.port),
    ...(username !== '' ? { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` } : {}),
  };
}

/** host:port in authority-form, IPv6 literals bracketed (RFC 3986 §3.2.2). */
function authority(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Opens a CONNECT tunnel through the proxy to host:port; resolves with the raw socket. */
export function openConnectTunnel(proxy: HttpsProxyOptions, target: { host: string; port: number }, timeoutMs = 30_000): Promise<Socket> {
  const parsed = parseProxy(proxy);
  const path = authority(target.host, target.port);
  return new Promise<Socket>((resolve, reject) => {
    const req = httpRequest({
      host: parsed.host,
      port: parsed.port,
      method: 'CONNECT',
      path,
      agent: false,
      headers: { host: path, ...(parsed.authorization ? { 'proxy-authorization': parsed.authorization } : {}) },
    });
    const timer = setTimeout(() => req.destroy(new ProxyTunnelError(`The proxy did not open a tunnel to ${path} within ${timeoutMs} ms.`, 'EPROXYTIMEOUT')), timeoutMs);
    const settle = () => clearTimeout(timer);
    req.once('connect', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      settle();
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(refusal(res.statusCode ?? 0, path));
        return;
      }
      // Bytes the proxy relayed after its 200 belong to the tunnel.
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    // A proxy that answers without switching to a tunnel (Node emits 'response' only then).
    req.once('response', (res: IncomingMessage) => {
      settle();
      res.resume();
      reject(refusal(res.statusCode ?? 0, path));
    });
    req.once('error', (error) => {
      settle();
      reject(error);
    });
    req.end();
  });
}

function refusal(status: number, path: string): ProxyTunnelError {
  return status === 407
    ? new ProxyTunnelError('The proxy requires other credentials (407 Proxy Authentication Required); check the proxy user name and password.', 'EPROXYAUTH', 407)
    : new ProxyTunnelError(`The proxy refused the tunnel to ${path} (HTTP ${status}).`, 'EPROXYREFUSED', status);
}

/** TLS over an open tunnel, checking the store's certificate against the host we meant to reach. */
export function startTlsOverTunnel(socket: Socket, options: ConnectionOptions & { host: string }): TLSSocket {
  const { servername: requested, host, ...rest } = options;
  // SNI carries DNS names only (RFC 6066 §3); an IP address is still checked against the SAN.
  const servername = requested || (isIP(host) ? undefined : host);
  return tlsConnect({ ...rest, socket, host, ...(servername ? { servername } : {}) });
}

/** An https.Agent whose connections go through a CONNECT tunnel; use it as minio's transportAgent. */
export class ConnectProxyAgent extends Agent {
  private readonly proxy: HttpsProxyOptions;
  private readonly tunnelTimeoutMs: number;

  constructor(proxy: HttpsProxyOptions, options: AgentOptions & { tunnelTimeoutMs?: number } = {}) {
    const { tunnelTimeoutMs, ...agentOptions } = options;
    super(agentOptions);
    parseProxy(proxy);
    this.proxy = proxy;
    this.tunnelTimeoutMs = tunnelTimeoutMs ?? 30_000;
  }

  /** Node's Agent calls this with the merged agent and request options; answering through the callback is allowed. */
  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? 443);
    const { path: _path, agent: _agent, ...tlsOptions } = options;
    openConnectTunnel(this.proxy, { host, port }, this.tunnelTimeoutMs).then(
      (socket) => {
        const tls = startTlsOverTunnel(socket, { ...(tlsOptions as ConnectionOptions), host, port });
        callback?.(null, tls);
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
