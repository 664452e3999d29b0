/**
 * A complete nginx configuration for several API instances behind one
 * address: `least_conn` (WebSockets are long-lived, so counting connections
 * balances better than taking turns), the WebSocket upgrade on /api/v1/ws
 * with timeouts for sockets that stay open for hours, X-Forwarded-For and
 * X-Request-Id passed on (the API trusts forwarded addresses only with
 * TRUST_PROXY), passive health checks (an instance that fails `max_fails`
 * times is left out for `fail_timeout`; idempotent requests that hit a dead
 * one are retried on the next), and /metrics kept private.
 */
import { z } from 'zod';

/** host:port, where host is a name, an IPv4 address or a bracketed IPv6 address. */
const hostPort = z
  .string()
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):([0-9]{1,5})$/,
    'must be HOST:PORT, e.g. 127.0.0.1:3000 or api:3000',
  )
  .refine((v) => {
    const port = Number(v.slice(v.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'the port must be 1-65535');

export const nginxRenderSchema = z.object({
  upstreams: z.array(hostPort).min(1, 'give at least one --upstream HOST:PORT'),
  listen: hostPort.default('0.0.0.0:8080'),
  /** The official nginx image links the default path to its stdout. */
  accessLog: z
    .string()
    .regex(/^\/[^\s;'"{}]*$/, 'must be an absolute path')
    .default('/var/log/nginx/access.log'),
});

export type NginxRenderInput = z.input<typeof nginxRenderSchema>;

// In every location: a location that sets any proxy_set_header inherits none from the server.
const forwarded = [
  'proxy_set_header Host $host;',
  'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  'proxy_set_header X-Forwarded-Proto $scheme;',
  'proxy_set_header X-Request-Id $pong_request_id;',
]
  .map((line) => `      ${line}`)
  .join('\n');

/** The configuration text; throws a ZodError on bad input. */
export function renderNginxConfig(input: NginxRenderInput): string {
  const { upstreams, listen, accessLog } = nginxRenderSchema.parse(input);
  const servers = upstreams.map((u) => `    server ${u} max_fails=3 fail_timeout=10s;`).join('\n');
  return `# nginx in front of the pongctl API instances.
# Rendered by: pongctl nginx render ${upstreams.map((u) => `--upstream ${u}`).join(' ')} --listen ${listen} --access-log ${accessLog}
# Run the instances with TRUST_PROXY=true so they take the client address from X-Forwarded-For.

worker_processes auto;
error_log stderr warn;

events {
  worker_connections 4096;
}

http {
  # Each line names the instance that answered and the request id the API logged.
  log_format pong '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                  '$request_time upstream=$upstream_addr request_id=$pong_request_id';
  access_log ${accessLog} pong;
  server_tokens off;
  client_max_body_size 8m;

  # Upgrade only when the client asks for it; plain requests keep the upstream connection alive.
  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' '';
  }
  # The client's request id when it sent one, else nginx's own: the API logs and echoes it.
  map $http_x_request_id $pong_request_id {
    default $http_x_request_id;
    '' $request_id;
  }

  upstream pong_api {
    # Sockets live for hours: send each new connection to the instance with the fewest.
    least_conn;
${servers}
    keepalive 64;
  }

  server {
    listen ${listen};

    proxy_http_version 1.1;
    proxy_connect_timeout 2s;
    # A refused or dead instance: try the next one, for idempotent requests only (nginx never
    # retries POST, PATCH or a request already sent unless told to with non_idempotent).
    proxy_next_upstream error timeout http_502 http_503 http_504;
    proxy_next_upstream_tries 2;

    # Prometheus scrapes each instance directly; the public address does not expose it.
    location = /metrics {
      return 404;
    }

    location = /api/v1/ws {
      proxy_pass http://pong_api;
${forwarded}
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      # The API pings every socket well within these; an idle socket is not a dead one.
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_buffering off;
    }

    location / {
      proxy_pass http://pong_api;
${forwarded}
      proxy_set_header Connection '';
      proxy_read_timeout 60s;
      proxy_send_timeout 60s;
    }
  }
}
`;
}
